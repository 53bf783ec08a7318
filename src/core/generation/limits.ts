import type { RetryPolicy } from '../providers/retry.js';

/** Limits and timings of the engine; defaults are declared once, in the composition. */
export interface GenerationLimits {
  /** Jobs at the provider at once (also the cap on concurrent provider calls). */
  readonly providerConcurrency: number;
  /** Running jobs per account. */
  readonly userConcurrency: number;
  /** Waiting jobs in all. */
  readonly queueLimit: number;
  /** Waiting jobs per account. */
  readonly userQueueLimit: number;
  /** Per provider call. */
  readonly providerTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** Largest reference download before it is refused (it is then re-encoded to the provider's limit). */
  readonly maxReferenceDownloadBytes: number;
  /** Largest output download. */
  readonly maxOutputBytes: number;
  /** Per image download. */
  readonly downloadTimeoutMs: number;
}
