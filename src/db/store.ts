import { AppError } from '../core/errors.js';
import type { Store } from '../core/storePorts.js';
import { AccountRepository } from './AccountRepository.js';
import { JobRepository } from './JobRepository.js';
import { LedgerRepository } from './LedgerRepository.js';
import { schemaVersion } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import type { SqliteDatabase } from './types.js';

/**
 * The core's {@link Store} on one SQLite connection. The statements are prepared here, once.
 *
 * @param db - a connection from {@link openDatabase}, already migrated.
 * @throws AppError `db_schema_mismatch` when the schema is not the one this code was written for
 *   (a read-only handle on an old file, or a file from a newer build).
 */
export function createSqliteStore(db: SqliteDatabase): Store {
  const version = schemaVersion(db);
  if (version !== LATEST_SCHEMA_VERSION) {
    throw new AppError(
      'db_schema_mismatch',
      `The database ${db.name} has schema version ${version}; this build needs version ${LATEST_SCHEMA_VERSION}. ` +
        (version < LATEST_SCHEMA_VERSION
          ? 'Run `nano-imagine db migrate` (or start the bot, which migrates) first.'
          : 'Run a newer nano-imagine.'),
    );
  }
  // One wrapper for every transaction: db.transaction() builds four closures per call, which is
  // measurable when a credit movement costs a few microseconds. The body travels as the argument.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  return {
    accounts: new AccountRepository(db),
    ledger: new LedgerRepository(db),
    jobs: new JobRepository(db),
    // BEGIN IMMEDIATE takes the write lock up front: two processes that both read and then write would
    // otherwise deadlock on the lock upgrade, and one would fail with SQLITE_BUSY despite busy_timeout.
    // Inside an open transaction better-sqlite3 nests with a SAVEPOINT instead.
    transaction: <T>(fn: () => T): T => inTransaction.immediate(fn) as T,
  };
}
