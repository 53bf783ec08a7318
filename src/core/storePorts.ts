/**
 * The store ports the core needs. `src/db` implements them on SQLite; every method is synchronous
 * because better-sqlite3 is, which lets a whole credit movement run inside one transaction.
 */
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
  /** Σdelta and ΣheldDelta per account, for the invariant check. */
  sums(): { accountKey: string; delta: number; heldDelta: number }[];
}

export interface JobSettlement {
  readonly status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>;
  readonly captured: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly outputs: readonly StoredOutput[];
  readonly model?: string;
  readonly finishedAt: number;
}

export interface JobStore {
  insert(job: NewJob): void;
  find(id: string): Job | undefined;
  findByIdempotencyKey(key: string): Job | undefined;
  /** queued → running; false when the job was not queued (cancelled, settled). */
  markRunning(id: string, at: number): boolean;
  /** Writes the settlement and sets held to 0; false when the job had already settled. */
  settle(id: string, settlement: JobSettlement): boolean;
  /** Jobs in these states, oldest first. */
  withStatus(statuses: readonly JobStatus[]): Job[];
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
