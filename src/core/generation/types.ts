import type { JobFailureCode, RefusalCode } from '../errorCodes.js';
import type { Account, Job, JobKind } from '../model.js';
import type { Platform } from '../vocabulary.js';
import type { Resolution } from '../vocabulary.js';

/** Where a reference image comes from: a URL (with any auth header the platform needs) or bytes. */
export type ReferenceSource =
  | {
      readonly url: string;
      /** Sent with the download only; never logged or stored. */
      readonly headers?: Readonly<Record<string, string>>;
      readonly name?: string;
      /** What the platform declared; checked early so obvious refusals cost nothing. */
      readonly declaredSize?: number;
      readonly declaredType?: string;
    }
  | { readonly bytes: Buffer; readonly name: string };

/** Options a person chose; anything left out takes the catalog's default. */
export interface GenerationOptions {
  readonly aspectRatio?: string | undefined;
  readonly resolution?: string | undefined;
  readonly model?: string | undefined;
  readonly count?: number | undefined;
}

/** What an adapter hands the core: who, where, what (DESIGN §3 step 1). */
export interface GenerationIntent {
  /** The platform's own id for the user action; the same key never makes a second job. */
  readonly idempotencyKey: string;
  readonly accountKey: string;
  readonly platform: Platform;
  readonly displayName?: string | undefined;
  /** Adapter-owned JSON: where results go. */
  readonly destination: Readonly<Record<string, unknown>>;
  readonly kind: JobKind;
  readonly parentId?: string | undefined;
  readonly prompt: string;
  readonly options: GenerationOptions;
  readonly references: readonly ReferenceSource[];
}

/** A request after validation against the catalog and pricing. */
export interface ResolvedRequest {
  readonly prompt: string;
  /** The model name users see. */
  readonly model: string;
  /** The provider's model id for this resolution. */
  readonly providerModel: string;
  readonly aspectRatio: string;
  readonly resolution: Resolution;
  readonly count: number;
  readonly unitCost: number;
  readonly cost: number;
}

/** An image ready to post: bytes already downloaded and checked. */
export interface OutputImage {
  readonly name: string;
  readonly mime: string;
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Why a submit was refused before any credit moved. Adapters render these; nothing was charged. */
export type Refusal =
  | { readonly code: Exclude<RefusalCode, 'insufficient_credits'>; readonly message: string }
  | { readonly code: 'insufficient_credits'; readonly message: string; readonly balance: number; readonly cost: number };

export type SubmitOutcome =
  | { readonly ok: true; readonly job: Job; readonly duplicate: boolean; readonly position: number }
  | { readonly ok: false; readonly refusal: Refusal };

/** What happens to a job, in order. Every event carries the job as stored at that moment. */
export type JobEvent =
  | { readonly type: 'queued'; readonly job: Job; readonly position: number }
  | { readonly type: 'position'; readonly job: Job; readonly position: number }
  | { readonly type: 'started'; readonly job: Job }
  | {
      /**
       * The images exist and are kept in the spool; the job is `delivering` and still holds its whole
       * cost. The listener that delivers this job (the surface that asked, or the platform's
       * subscriber) posts them and then calls `delivery.confirm` or `delivery.fail`, exactly once:
       * only confirmed images are charged.
       */
      readonly type: 'ready';
      readonly job: Job;
      readonly images: readonly OutputImage[];
      /** The account as it will be once everything is delivered (the hold already left the balance). */
      readonly account: Account;
      readonly durationMs: number;
      readonly delivery: Delivery;
    }
  | {
      /** Delivery confirmed: the delivered images were charged, the rest released. */
      readonly type: 'succeeded';
      readonly job: Job;
      readonly account: Account;
      readonly delivered: number;
      readonly captured: number;
      readonly released: number;
      readonly durationMs: number;
    }
  | {
      readonly type: 'failed';
      readonly job: Job;
      readonly code: JobFailureCode;
      /** Short, user-safe, from the one table in `failureText.ts`; never says what was refunded. */
      readonly message: string;
      /** Credits returned to the balance by this failure; adapters say so from this number alone. */
      readonly refunded: number;
      readonly account: Account;
      /** How long the provider asked us to wait, when it said (rate limits). */
      readonly retryAfterMs?: number;
    };

export type JobListener = (event: JobEvent) => void;

/**
 * The deliverer's answer for a `ready` job. The first call settles the job (and emits `succeeded`
 * or `failed`); later calls do nothing.
 */
export interface Delivery {
  /**
   * The platform (or the file system) confirmed `delivered` of the images, 0 to all: their cost is
   * captured and the rest released. None confirmed is the same as {@link fail}.
   */
  confirm(delivered: number): void;
  /** Nothing could be delivered: the hold is released and the job fails as `undelivered`. */
  fail(error?: unknown): void;
}
