import { AppError } from '../../core/errors.js';
import type { Store, StoreTx } from '../../core/storePorts.js';
import { AccountRepository } from './AccountRepository.js';
import { InstanceRepository } from './InstanceRepository.js';
import { JobRepository } from './JobRepository.js';
import { LedgerRepository } from './LedgerRepository.js';
import { schemaVersion } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { SlotRepository } from './SlotRepository.js';
import type { SqliteDatabase } from './types.js';
import { rejecting, TransactionGate } from './TransactionGate.js';

/**
 * The core's {@link Store} on one SQLite connection. The statements are prepared here, once, and run
 * synchronously; a transaction's callback is asynchronous, so while one is open every other use of
 * the connection waits for it ({@link TransactionGate}) instead of slipping into it.
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
  const tx: StoreTx = {
    accounts: rejecting(new AccountRepository(db)),
    ledger: rejecting(new LedgerRepository(db)),
    jobs: rejecting(new JobRepository(db)),
    instances: rejecting(new InstanceRepository(db)),
    slots: rejecting(new SlotRepository(db)),
  };
  const gate = new TransactionGate(db);
  const guardedSlots = gate.guard(tx.slots);
  const transaction = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => gate.transaction(() => fn(tx));
  return {
    engine: 'sqlite',
    accounts: gate.guard(tx.accounts),
    ledger: gate.guard(tx.ledger),
    jobs: gate.guard(tx.jobs),
    instances: gate.guard(tx.instances),
    slots: {
      // Counting and taking must be one step: its own transaction.
      acquire: (claims, jobId, owner, now) => transaction((t) => t.slots.acquire(claims, jobId, owner, now)),
      release: (jobId) => guardedSlots.release(jobId),
    },
    transaction,
    close: async () => {
      await gate.idle();
      if (db.open) db.close();
    },
  };
}
