import type { DatabaseAdmin } from '../../core/databaseAdmin.js';
import { AppError } from '../../core/errors.js';
import { refuseUnsafeOutput } from '../refuseUnsafeOutput.js';
import { checkPostgres } from './check.js';
import { postgresSchemaVersion } from './migrate.js';
import type { PostgresStore } from './store.js';

/**
 * How to back up this database, to show instead of backing it up: `pg_dump` takes a consistent
 * snapshot of a live database from any machine that can reach it, which nano-imagine, one client
 * among several, should not try to imitate. The password is left out; pg_dump reads it from
 * PGPASSWORD or ~/.pgpass, or asks.
 */
function pgDumpAdvice(location: string, file: string): string {
  return (
    'nano-imagine does not back up a PostgreSQL database; use pg_dump, which takes a consistent snapshot ' +
    `while the bots keep working: pg_dump --format=custom --file=${shellQuote(file)} ${shellQuote(location)} ` +
    '(the password from PGPASSWORD or ~/.pgpass). Restore it with pg_restore --dbname=<url> ' +
    `${shellQuote(file)}.`
  );
}

/** A word the shell passes as it is. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The {@link DatabaseAdmin} port on a {@link PostgresStore}. Backups are refused with the `pg_dump`
 * command to run instead; `check` reads in one snapshot and is safe on a live database.
 */
export function postgresAdmin(store: PostgresStore): DatabaseAdmin {
  return {
    engine: 'postgres',
    location: store.location,
    isOpen: () => store.isOpen(),
    schemaVersion: () => postgresSchemaVersion(store.pool),
    backup: (file) => Promise.reject(new AppError('db_backup_refused', pgDumpAdvice(store.location, file))),
    // No file on this machine is the database, so only a path that cannot be written is refused.
    outputRefusal: (file) => refuseUnsafeOutput(file, ''),
    check: () => checkPostgres(store.pool),
  };
}
