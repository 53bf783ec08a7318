/**
 * The domain model: accounts, the ledger and jobs as the core and its stores speak of them, and
 * the facts derived from a job (whether it still holds credits, what it cost).
 */
import type { JobFailureCode } from './errorCodes.js';
import type { Platform, ProviderId, Resolution } from './vocabulary.js';

export type JobKind = 'imagine' | 'edit' | 'reroll' | 'upscale';
/**
 * `refused`: the provider would not make the content (its content policy). Settled like `failed`,
 * but told apart from it so that the user learns why.
 */
export type JobStatus = 'queued' | 'running' | 'delivering' | 'succeeded' | 'failed' | 'refused' | 'cancelled' | 'interrupted';
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
  readonly errorCode: JobFailureCode | null;
  readonly errorMessage: string | null;
  readonly outputs: readonly StoredOutput[];
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /**
   * The {@link Instance} (process) that runs this unsettled job and vouches for it with its lease;
   * recovery takes the job once that instance is gone. Null for jobs made before owners existed.
   */
  readonly owner: string | null;
  /**
   * How the job was served when that differs from what was asked (another provider after a
   * failure, a retired model's successor); shown with the result. Null when served as asked.
   */
  readonly notice: string | null;
}

/**
 * A process sharing the database (a bot, a shard, a CLI run). It renews its lease while alive; once
 * the lease has run out, or its process is seen dead on the same host, its unsettled jobs are released.
 */
export interface Instance {
  readonly id: string;
  readonly role: 'bot' | 'cli';
  /** `os.hostname()`: on the same host a dead pid proves the instance dead before its lease runs out. */
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly leaseUntil: number;
}

/**
 * Whether a job still holds its credits: queued, running, or delivering (its images exist but the
 * platform has not confirmed them yet).
 */
export function isUnsettled(job: Pick<Job, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running' || job.status === 'delivering';
}

/** What delivering some of a job's images charges, and the balance the account is left with. */
export interface DeliveryCharge {
  readonly credits: number;
  readonly balance: number;
}

/**
 * What settling an unsettled job with `delivered` images charges — `min(held, delivered × unitCost)`,
 * the rest released — and the balance after. Adapters show it with a result they are about to post.
 */
export function deliveryCharge(job: Pick<Job, 'held' | 'unitCost'>, account: Pick<Account, 'balance'>, delivered: number): DeliveryCharge {
  const credits = capturedFor(job, delivered);
  return { credits, balance: account.balance + job.held - credits };
}

/** What settling with `delivered` images captures: `min(held, delivered × unitCost)`. */
export function capturedFor(job: Pick<Job, 'held' | 'unitCost'>, delivered: number): number {
  return Math.min(job.held, delivered * job.unitCost);
}

/** What a job costs its account: the credits held while it runs, those captured once settled. */
export function creditsOf(job: Pick<Job, 'status' | 'held' | 'captured'>): number {
  return chargeOf(job).credits;
}

/** What a job costs its account, and in which state: held while it runs, charged or nothing once settled. */
export interface JobCharge {
  readonly state: 'held' | 'charged' | 'nothing';
  readonly credits: number;
}

export function chargeOf(job: Pick<Job, 'status' | 'held' | 'captured'>): JobCharge {
  if (isUnsettled(job)) return { state: 'held', credits: job.held };
  return job.captured > 0 ? { state: 'charged', credits: job.captured } : { state: 'nothing', credits: 0 };
}

export type NewJob = Omit<Job, 'captured' | 'errorCode' | 'errorMessage' | 'outputs' | 'startedAt' | 'finishedAt'>;
