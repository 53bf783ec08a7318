import type pg from 'pg';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { AccountStore, InstanceStore, JobStore, LedgerStore, SlotStore, Store, StoreTx } from '../../core/storePorts.js';
import { AccountRepository } from './AccountRepository.js';
import { InstanceRepository } from './InstanceRepository.js';
import { JobRepository } from './JobRepository.js';
import { LedgerRepository } from './LedgerRepository.js';
import { postgresLocation } from './location.js';
import { migratePostgres } from './migrate.js';
import { LATEST_POSTGRES_SCHEMA_VERSION } from './migrations/index.js';
import { createPostgresPool } from './pool.js';
import { withoutNul, type Queryable } from './queryable.js';
import { SlotRepository, type InTransaction } from './SlotRepository.js';
import { SlotWatch } from './SlotWatch.js';
import { runTransaction } from './transaction.js';

/** Every port over one queryable; slots are taken and given back in `inTransaction`. */
function portsOn(raw: Queryable, inTransaction: InTransaction): StoreTx {
  const q = withoutNul(raw);
  return {
    accounts: new AccountRepository(q),
    ledger: new LedgerRepository(q),
    jobs: new JobRepository(q),
    instances: new InstanceRepository(q),
    slots: new SlotRepository(inTransaction),
  };
}

/**
 * The core's {@link Store} on a PostgreSQL pool, shared by every process that opens the same
 * database. Outside a transaction each port method is one statement on any free connection (and
 * `slots.acquire` a transaction of its own); {@link transaction} binds the ports to one connection.
 */
export class PostgresStore implements Store {
  readonly engine = 'postgres';
  readonly accounts: AccountStore;
  readonly ledger: LedgerStore;
  readonly jobs: JobStore;
  readonly instances: InstanceStore;
  readonly slots: SlotStore;
  /** The pool, for the admin port; the store owns it and ends it in {@link close}. */
  readonly pool: pg.Pool;
  /** The database's URL without its password, for messages. */
  readonly location: string;
  /** Transactions under way, retries included: {@link close} waits for them. */
  readonly #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;
  readonly #watch: SlotWatch;

  /** Takes a pool whose database is migrated; {@link openPostgresStore} makes sure of that. */
  constructor(pool: pg.Pool, location: string, logger?: Logger) {
    this.pool = pool;
    this.location = location;
    // Slot transactions of their own commit without waiting for the disk: a slot is coordination
    // between live processes, handed from job to job many times a second, and one lost in a server
    // crash is harmless (a lost take is taken again; a lost release stops counting once its job
    // settles). Every credit movement still waits for its commit to be on disk.
    const ports = portsOn(pool, (fn) =>
      this.#run(async (q) => {
        await q.query('SET LOCAL synchronous_commit = off');
        return fn(q);
      }),
    );
    this.accounts = ports.accounts;
    this.ledger = ports.ledger;
    this.jobs = ports.jobs;
    this.instances = ports.instances;
    this.#watch = new SlotWatch(pool, logger);
    this.slots = { acquire: (...a) => ports.slots.acquire(...a), release: (jobId) => ports.slots.release(jobId), watch: (onFreed) => this.#watch.watch(onFreed) };
  }

  /**
   * READ COMMITTED; the callback locks the rows it decides on (`accounts.lock`). Run again
   * from the start on a deadlock, a serialization failure or a unique-key race (see runTransaction),
   * so `fn` must have no effect outside the ports it is given.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#run((q) => fn(portsOn(q, (inner) => inner(q))));
  }

  /**
   * Ends the pool once the transactions under way have finished, including any still to be run
   * again (the pool alone would wait only for those holding a connection at that moment).
   * Statements and transactions begun after this fail.
   */
  close(): Promise<void> {
    this.#closing ??= Promise.allSettled(this.#running)
      .then(() => this.#watch.close())
      .then(() => this.pool.end());
    return this.#closing;
  }

  /** Whether {@link close} has not been called. */
  isOpen(): boolean {
    return this.#closing === undefined;
  }

  #run<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new Error(`The store on ${this.location} is closed.`));
    const running = runTransaction(this.pool, fn);
    this.#running.add(running);
    const done = () => this.#running.delete(running);
    running.then(done, done);
    return running;
  }
}

/** Options for {@link openPostgresStore}. */
export interface OpenPostgresStoreOptions {
  /** Told of migrations applied and of idle connections lost; never given the URL's password. */
  readonly logger?: Logger;
  /**
   * Connections at most.
   * @defaultValue 10
   */
  readonly maxConnections?: number;
}

/**
 * Connects to the database at `url`, applies pending migrations and returns the store.
 *
 * @throws AppError `db_too_new` when the database was migrated by a newer build; `db_schema_mismatch`
 *   when it is at another version after migrating (a newer build migrated it meanwhile);
 *   `db_migration_failed`; or `pg`'s error when the server cannot be reached or refuses the login.
 */
export async function openPostgresStore(url: string, options: OpenPostgresStoreOptions = {}): Promise<PostgresStore> {
  const location = postgresLocation(url);
  const pool = createPostgresPool(url, {
    ...(options.logger && { logger: options.logger }),
    ...(options.maxConnections !== undefined && { max: options.maxConnections }),
  });
  try {
    const report = await migratePostgres(pool, { location });
    if (report.applied.length > 0) options.logger?.info({ database: location, ...report }, 'PostgreSQL schema migrated');
    if (report.to !== LATEST_POSTGRES_SCHEMA_VERSION) {
      throw new AppError(
        'db_schema_mismatch',
        `${location} has schema version ${report.to}; this build needs version ${LATEST_POSTGRES_SCHEMA_VERSION}. Run a newer nano-imagine.`,
      );
    }
    return new PostgresStore(pool, location, options.logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
}
