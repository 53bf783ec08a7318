import type { DatabaseAdmin } from '../../core/databaseAdmin.js';
import { backupDatabase } from './backup.js';
import { checkDatabase } from './check.js';
import { copyToPostgres } from '../copyToPostgres.js';
import { refuseUnsafeOutput } from '../refuseUnsafeOutput.js';
import { schemaVersion } from './migrate.js';
import type { SqliteDatabase } from './types.js';

/** The {@link DatabaseAdmin} port on one SQLite connection. */
export function sqliteAdmin(db: SqliteDatabase): DatabaseAdmin {
  return {
    engine: 'sqlite',
    location: db.name,
    isOpen: () => db.open,
    schemaVersion: () => Promise.resolve(schemaVersion(db)),
    backup: async (file) => {
      await backupDatabase(db, file);
    },
    check: () => Promise.resolve(checkDatabase(db)),
    copyTo: (url) => copyToPostgres(db, url),
    outputRefusal: (file) => refuseUnsafeOutput(file, db.memory ? ':memory:' : db.name),
  };
}
