/**
 * Persistence ports the core needs. `src/db` implements them on SQLite; every method is synchronous
 * because better-sqlite3 is, which lets a whole credit movement run inside one transaction.
 */
import type { ProviderId, Resolution } from './providers/types.js';

export type Platform = 'discord' | 'slack' | 'cli';
export type JobKind = 'imagine' | 'edit' | 'reroll' | 'upscale';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type LedgerKind = 'starting' | 'grant' | 'adjust' | 'hold' | 'capture' | 'release';

export interface Account {
  readonly key: string;
  readonly platform: Platform;
  readonly displayName: string | null;
  /** Credits free to spend. */
  readonly balance: number;
  /** Credits held for jobs that have not settled. */
  readonly held: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * One append-only ledger row. `delta` is the change to `balance`, `heldDelta` the change to `held`,
 * so for every account Σdelta = balance and ΣheldDelta = held.
 */
export interface LedgerEntry {
  readonly id: number;
  readonly accountKey: string;
  readonly kind: LedgerKind;
  readonly delta: number;
  readonly heldDelta: number;
  readonly jobId: string | null;
  readonly actor: string | null;
  readonly reason: string | null;
  readonly at: number;
}
export type NewLedgerEntry = Omit<LedgerEntry, 'id'>;

/** The request as stored: enough to reroll or upscale it later, never any secret. */
export interface StoredRequest {
  readonly prompt: string;
  readonly model: string;
  readonly aspectRatio: string;
  readonly resolution: Resolution;
  readonly count: number;
  /** Where the references came from (URL or file name); headers are never stored. */
  readonly references: readonly { readonly name: string; readonly url?: string }[];
}

export interface StoredOutput {
  readonly name: string;
  readonly mime: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  /** The provider's URL, kept for reference; it may expire. */
  readonly sourceUrl?: string;
}

export interface Job {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly accountKey: string;
  readonly platform: Platform;
  /** Adapter-owned JSON describing where results go (channel, thread, message...). */
  readonly destination: Readonly<Record<string, unknown>>;
  readonly kind: JobKind;
  readonly parentId: string | null;
  readonly request: StoredRequest;
  readonly provider: ProviderId;
  readonly model: string;
  /** Credits per image at submit time. */
  readonly unitCost: number;
  /** Credits held at submit time (unitCost × count). */
  readonly cost: number;
  /** Credits still held for this job: cost until settled, then 0. */
  readonly held: number;
  /** Credits captured at settlement. */
  readonly captured: number;
  readonly status: JobStatus;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly outputs: readonly StoredOutput[];
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** Whether a job still holds its credits (queued or running). */
export function isUnsettled(job: Pick<Job, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/** What a job costs its account: the credits held while it runs, those captured once settled. */
export function creditsOf(job: Pick<Job, 'status' | 'held' | 'captured'>): number {
  return isUnsettled(job) ? job.held : job.captured;
}

export type NewJob = Omit<Job, 'captured' | 'errorCode' | 'errorMessage' | 'outputs' | 'startedAt' | 'finishedAt'>;

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
