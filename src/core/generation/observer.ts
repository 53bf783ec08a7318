import type { ProviderErrorKind } from '../errorCodes.js';
import type { Job } from '../model.js';

/**
 * What the generation engine reports for metrics. The ops layer implements it with prom-client;
 * the default does nothing, so the core never depends on a metrics library.
 */
export interface GenerationObserver {
  jobFinished(job: Job, durationMs: number): void;
  providerCall(provider: string, durationMs: number, errorKind: ProviderErrorKind | undefined): void;
  /** A result image downloaded from the provider's storage. */
  outputDownloaded(provider: string, durationMs: number): void;
  queueDepth(depth: number): void;
  creditsCaptured(amount: number): void;
}

export const nullObserver: GenerationObserver = {
  jobFinished: () => undefined,
  providerCall: () => undefined,
  outputDownloaded: () => undefined,
  queueDepth: () => undefined,
  creditsCaptured: () => undefined,
};
