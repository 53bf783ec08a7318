/**
 * The store ports the core needs, asynchronous so that one core runs on either engine: SQLite
 * (embedded, the default) or PostgreSQL (several machines). `src/db` implements them.
 *
 * A credit movement is one {@link Store.transaction}: the callback gets the same ports bound to that
 * transaction and must do all its reads and writes through them. On SQLite the transaction holds the
 * database's write lock (BEGIN IMMEDIATE); on PostgreSQL it is READ COMMITTED with the account row
 * locked ({@link AccountStore.lock}), and the engine runs the callback again when PostgreSQL reports a
 * deadlock, a serialization failure or a unique-key race, so the callback must not have effects
 * outside the store.
 */
import type { JobFailureCode } from './errorCodes.js';
import type { Account, Instance, Job, JobStatus, LedgerEntry, NewJob, NewLedgerEntry, StoredOutput } from './model.js';
import type { ProviderId } from './vocabulary.js';

export interface AccountStore {
  find(key: string): Promise<Account | undefined>;
  /**
   * The account, locked against every other transaction until this one ends (`SELECT … FOR UPDATE`
   * on PostgreSQL; SQLite's write lock already serialises transactions). Call inside a transaction.
   */
  lock(key: string): Promise<Account | undefined>;
  insert(account: Account): Promise<void>;
  /**
   * Adds to balance and held (either may be negative) and returns the account as changed; the schema
   * refuses a negative result.
   */
  change(key: string, delta: number, heldDelta: number, at: number): Promise<Account>;
  /** Sum of held over all accounts (for metrics). */
  totalHeld(): Promise<number>;
}

export interface LedgerStore {
  append(entry: NewLedgerEntry): Promise<void>;
  /** Newest first. */
  recent(accountKey: string, limit: number): Promise<LedgerEntry[]>;
}

export interface JobSettlement {
  readonly status: Extract<JobStatus, 'succeeded' | 'failed' | 'refused' | 'cancelled' | 'interrupted'>;
  readonly captured: number;
  readonly errorCode: JobFailureCode | null;
  readonly errorMessage: string | null;
  readonly outputs: readonly StoredOutput[];
  readonly finishedAt: number;
}

/**
 * Who made a job's images: recorded when the job starts delivering. It may differ from the provider
 * and model the job was admitted with (a fallback after a failure); its unit cost is then what each
 * delivered image is charged, and the capture is still at most the credits held, so never more than
 * quoted.
 */
export interface ServedBy {
  readonly provider: ProviderId;
  readonly model: string;
  readonly unitCost: number;
  readonly notice: string | null;
}

export interface JobStore {
  insert(job: NewJob): Promise<void>;
  find(id: string): Promise<Job | undefined>;
  findByIdempotencyKey(key: string): Promise<Job | undefined>;
  /** queued → running; the job as changed, or undefined when it was not queued (cancelled, settled). */
  markRunning(id: string, at: number): Promise<Job | undefined>;
  /**
   * running → delivering, recording what was produced and who produced it (provider, model,
   * unit cost, notice); the job as changed, or undefined when it was not running (settled by
   * another process meanwhile) and nothing was written.
   */
  markDelivering(id: string, outputs: readonly StoredOutput[], served: ServedBy): Promise<Job | undefined>;
  /** Writes the settlement and sets held to 0; false when the job had already settled. */
  settle(id: string, settlement: JobSettlement): Promise<boolean>;
  /** Queued, running and delivering jobs, oldest first. */
  unsettled(): Promise<Job[]>;
  /**
   * How many jobs are queued (waiting in some process's queue, not yet taken), of one account or in
   * all, over every process — except those of `exceptOwner` (the caller counts its own exactly).
   */
  countQueued(filter: { accountKey?: string; exceptOwner?: string }): Promise<number>;
  /** Newest first. */
  list(filter: { accountKey?: string; limit: number }): Promise<Job[]>;
}

/** The processes sharing the database, each vouching for itself with a lease it renews. */
export interface InstanceStore {
  register(instance: Instance): Promise<void>;
  /** Moves the instance's lease to `until`; false when its row is gone (others took it for dead). */
  renew(id: string, until: number): Promise<boolean>;
  /** Removes instances (and the slots they hold). */
  remove(ids: readonly string[]): Promise<void>;
  list(): Promise<Instance[]>;
}

/** One limited resource a job needs while it runs: at most `capacity` jobs hold a slot of `pool`. */
export interface SlotClaim {
  /** e.g. `provider:nbpro:<key fingerprint>`, `account:<account key>`. Never a secret. */
  readonly pool: string;
  readonly capacity: number;
}

/**
 * Slots leased in the database, so that limits hold across every process sharing it. A slot belongs
 * to a job and to the instance running it; slots of instances whose lease ran out do not count.
 */
export interface SlotStore {
  /**
   * Takes one slot of every pool for the job, all or none, in one transaction; true when taken (or
   * already held by this job). A pool counts only slots whose instance's lease has not run out at `now`.
   */
  acquire(claims: readonly SlotClaim[], jobId: string, owner: string, now: number): Promise<boolean>;
  /** Gives back every slot the job holds. */
  release(jobId: string): Promise<void>;
  /**
   * Calls `onFreed` when another process may have given a slot back (an engine that can hear it;
   * without, waiting jobs poll). Returns the way to stop.
   */
  watch?(onFreed: () => void): () => void;
}

/** The ports as one transaction sees them. */
export interface StoreTx {
  readonly accounts: AccountStore;
  readonly ledger: LedgerStore;
  readonly jobs: JobStore;
  readonly instances: InstanceStore;
  readonly slots: SlotStore;
}

/** The store: each port method outside a transaction is a statement of its own. */
export interface Store extends StoreTx {
  readonly engine: 'sqlite' | 'postgres';
  /** Runs `fn` in one write transaction; an exception rolls it all back and is rethrown. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Closes the connection(s); pending transactions finish first. */
  close(): Promise<void>;
}
