import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../support/postgresTest.js';
import { scaleOutScenarios } from '../scaleOutScenarios.js';

let database: TestDatabase | undefined;
let spool: string | undefined;
scaleOutScenarios({
  name: 'PostgreSQL database',
  env: async () => {
    database = await createTestDatabase();
    // One spool for both: they run on one machine, as replicas sharing a volume would.
    spool = mkdtempSync(join(tmpdir(), 'ni-scale-spool-'));
    return { DATABASE_URL: database.url, SPOOL_DIR: spool };
  },
  dispose: async () => {
    await database?.drop();
    if (spool) rmSync(spool, { recursive: true, force: true });
    database = undefined;
    spool = undefined;
  },
});
