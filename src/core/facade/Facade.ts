/**
 * The application facade: everything an adapter or the CLI may ask of the core, and nothing more.
 * A new feature (a policy, provider routing, the console) plugs in behind one of these calls; the
 * adapters keep calling the same ones.
 */
import type { Catalog } from '../catalog/types.js';
import type { AdminAction } from '../credits/types.js';
import type { Derived, DerivedBase, DeriveRequest } from '../generation/derive.js';
import type { GenerationIntent, JobListener, SubmitOutcome } from '../generation/types.js';
import type { JobHistoryFilter } from '../jobs/JobService.js';
import type { Account, Job, LedgerEntry } from '../model.js';
import type { Platform } from '../vocabulary.js';

/** An account as its owner sees it: the balance, what is held, and the latest movements. */
export interface CreditStatement {
  readonly account: Account;
  /** Newest first. */
  readonly ledger: readonly LedgerEntry[];
}

export interface ShowCreditsOptions {
  /** Must match the key's prefix when given. */
  readonly platform?: Platform;
  /** Stored only when the account is created by this call. */
  readonly displayName?: string | null | undefined;
  /** Ledger rows to include (0: none). @defaultValue 10 */
  readonly ledger?: number;
}

/** Jobs as records. */
export interface JobQueries {
  get(id: string): Promise<Job | undefined>;
  /** Newest first. */
  history(filter?: JobHistoryFilter): Promise<Job[]>;
}

/** Credits as people and admins see them. */
export interface CreditDesk {
  /** The account (created with the starting credits the first time a key is seen) and its latest rows. */
  show(key: string, options?: ShowCreditsOptions): Promise<CreditStatement>;
  /** Adds `amount` (≥ 1) with a `grant` row naming the actor and reason. */
  grant(key: string, amount: number, action: AdminAction): Promise<Account>;
  /** Sets the balance to `amount` (≥ 0) with an `adjust` row naming the actor and reason. */
  set(key: string, amount: number, action: AdminAction): Promise<Account>;
}

export interface Facade {
  /** What the configured provider offers (models, ratios, resolutions, limits). */
  readonly catalog: Catalog;
  /**
   * Checks, prices, holds and queues a request. Refusals are values and move nothing; the same
   * idempotency key returns the job it already made.
   */
  submit(intent: GenerationIntent, listener?: JobListener): Promise<SubmitOutcome>;
  /** Cancels a job that has not started; its hold is released. False when it already started or ended. */
  cancel(jobId: string): Promise<boolean>;
  /** Listens to every job's events (adapters that deliver by destination). Returns the unsubscribe. */
  subscribe(listener: JobListener): () => void;
  /** The intent for a reroll, upscale or edit of an earlier job, or why there is none. */
  derive(parent: Job, request: DeriveRequest, base: DerivedBase): Derived;
  /** Whether the job's model offers a resolution above the job's. */
  canUpscale(job: Job): boolean;
  readonly jobs: JobQueries;
  readonly credits: CreditDesk;
}
