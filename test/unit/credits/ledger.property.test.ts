/** The ledger property (ledgerProperty.ts) on SQLite: a database file of its own per run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteAdmin } from '../../../src/db/sqlite/admin.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { describeLedgerProperty } from './ledgerProperty.js';

describeLedgerProperty(
  'SQLite',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'nano-imagine-ledger-'));
    const db = openDatabase(join(dir, 'ledger.db'));
    const store = createSqliteStore(db);
    return Promise.resolve({
      store,
      admin: sqliteAdmin(db),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  { numRuns: 100, maxCommands: 60, timeout: 60_000 },
);
