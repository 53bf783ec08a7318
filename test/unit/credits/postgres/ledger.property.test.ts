/**
 * The ledger property (ledgerProperty.ts) on PostgreSQL: a schema of its own per run. Fewer and
 * shorter runs than on SQLite, each step being a few round trips to the server.
 */
import { postgresAdmin } from '../../../../src/db/postgres/admin.js';
import { openPostgresStore } from '../../../../src/db/postgres/store.js';
import { createTestDatabase } from '../../../support/postgresTest.js';
import { describeLedgerProperty } from '../ledgerProperty.js';

describeLedgerProperty(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase();
    const store = await openPostgresStore(database.url);
    return {
      store,
      admin: postgresAdmin(store),
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  },
  { numRuns: 25, maxCommands: 50, timeout: 60_000 },
);
