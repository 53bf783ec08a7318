/**
 * The store ports the core needs. `src/db` implements them on SQLite; every method is synchronous
 * because better-sqlite3 is, which lets a whole credit movement run inside one transaction.
 */
import type { JobFailureCode } from './errorCodes.js';
import type { Account, Job, JobStatus, LedgerEntry, NewJob, NewLedgerEntry, StoredOutput } from './model.js';

export interface AccountStore {
  find(key: string): Account | undefined;
  insert(account: Account): void;
  /**
   * Adds to balance and held (either may be negative) and returns the account as changed; the schema
   * refuses a negative result.
   */
  change(key: string, delta: number, heldDelta: number, at: number): Account;
  /** Sum of held over all accounts (for metrics). */
  totalHeld(): number;
}

export interface LedgerStore {
  append(entry: NewLedgerEntry): void;
  /** Newest first. */
  recent(accountKey: string, limit: number): LedgerEntry[];
}

export interface JobSettlement {
  readonly status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>;
  readonly captured: number;
  readonly errorCode: JobFailureCode | null;
  readonly errorMessage: string | null;
  readonly outputs: readonly StoredOutput[];
  readonly finishedAt: number;
}

export interface JobStore {
  insert(job: NewJob): void;
  find(id: string): Job | undefined;
  findByIdempotencyKey(key: string): Job | undefined;
  /** queued → running; the job as changed, or undefined when it was not queued (cancelled, settled). */
  markRunning(id: string, at: number): Job | undefined;
  /**
   * running → delivering, recording what was produced; the job as changed, or undefined when it was
   * not running (settled by another process meanwhile).
   */
  markDelivering(id: string, outputs: readonly StoredOutput[]): Job | undefined;
  /** Moves the lease of these unsettled jobs to `until` (settled ones are left alone). */
  renewLeases(ids: readonly string[], until: number): void;
  /** Writes the settlement and sets held to 0; false when the job had already settled. */
  settle(id: string, settlement: JobSettlement): boolean;
  /** Queued, running and delivering jobs, oldest first. */
  unsettled(): Job[];
  /** Newest first. */
  list(filter: { accountKey?: string; limit: number }): Job[];
}

export interface Store {
  readonly accounts: AccountStore;
  readonly ledger: LedgerStore;
  readonly jobs: JobStore;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE); an exception rolls it all back. */
  transaction<T>(fn: () => T): T;
}
