import type { JobFailureCode } from '../errorCodes.js';
import type { Clock } from '../clock.js';
import type { Account, Job, NewJob, StoredOutput } from '../model.js';
import type { JobSettlement, Store } from '../storePorts.js';
import type { Platform } from '../vocabulary.js';

/** Dependencies and settings of {@link CreditService}. */
export interface CreditServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Credits a new account receives (`STARTING_CREDITS`). */
  readonly startingCredits: number;
  /**
   * Makes job ids when {@link HoldInput.id} is not given.
   * @defaultValue `newJobId` (./jobId.ts): 18-character ids that sort by creation time
   */
  readonly newId?: () => string;
}

/** Who did an administrative credit change, and why: both land in the ledger row. */
export interface AdminAction {
  /** e.g. `discord:<adminId>`, `cli:<osUser>`. */
  readonly actor: string;
  readonly reason?: string | null;
}

/**
 * A job to hold credits for: a {@link NewJob} whose `held` is the cost and whose `status` is `queued`.
 * `cost` must be `unitCost × request.count`.
 */
export type HoldInput = Omit<NewJob, 'id' | 'platform' | 'held' | 'status' | 'createdAt' | 'parentId' | 'owner' | 'notice'> & {
  /** The instance that will run the job. @defaultValue null */
  readonly owner?: string | null;
  /** How the job will be served when that differs from what was asked ({@link Job.notice}). @defaultValue null */
  readonly notice?: string | null;
  /**
   * Refuse (nothing written) when this many jobs are already queued over every process: of this
   * account (`user_busy`), in all (`queue_full`). Other processes' queued jobs are counted in the
   * database; `waitingHere` are the owner's own, which its scheduler knows exactly (a job it has
   * taken is no longer waiting, though the database says `queued` until it marks it running).
   */
  readonly queueLimits?: {
    readonly account: number;
    readonly all: number;
    readonly waitingHere: { readonly account: number; readonly all: number };
  };
  /** @defaultValue a new id from {@link CreditServiceOptions.newId} */
  readonly id?: string;
  /** Must match the account key's prefix. @defaultValue the key's platform */
  readonly platform?: Platform;
  readonly parentId?: string | null;
  /** @defaultValue the clock's now */
  readonly createdAt?: number;
  /** Stored only when the account is created by this hold. */
  readonly displayName?: string | null | undefined;
};

/**
 * The outcome of {@link CreditService.hold}. Not enough credits is an expected answer, not an error:
 * the adapter tells the user `balance` and `cost`.
 */
export type HoldResult =
  | {
      readonly ok: true;
      readonly job: Job;
      readonly account: Account;
      /** True when a job with this idempotency key already existed; nothing new was held. */
      readonly duplicate: boolean;
    }
  | { readonly ok: false; readonly reason: 'insufficient_credits'; readonly balance: number; readonly cost: number }
  | { readonly ok: false; readonly reason: 'user_busy' | 'queue_full' };

/** How a job ended, as the generation pipeline reports it to {@link CreditService.settle}. */
export interface SettleInput {
  /** Images actually delivered; the account pays for these only. */
  readonly delivered: number;
  /** `succeeded` with nothing delivered is recorded as `failed`. */
  readonly status: JobSettlement['status'];
  readonly errorCode?: JobFailureCode | null;
  readonly errorMessage?: string | null;
  /** @defaultValue [] */
  readonly outputs?: readonly StoredOutput[];
}

/** The outcome of {@link CreditService.settle}: `settled: false` when the job had already settled. */
export type SettleResult =
  | { readonly settled: false; readonly job: Job }
  | {
      readonly settled: true;
      readonly job: Job;
      readonly account: Account;
      /** Credits charged: `min(held, delivered × unitCost)`. */
      readonly captured: number;
      /** Credits returned to the balance. */
      readonly released: number;
    };
