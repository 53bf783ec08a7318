import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { describeStoreContract } from './storeContract.js';

// A real file, opened as the bot opens it (WAL, the same pragmas and migrations).
describeStoreContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ni-contract-'));
  const store = createSqliteStore(openDatabase(join(dir, 'store.db')));
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
