/**
 * The port every image provider implements (DESIGN §4). A provider turns one prepared request into
 * images; it knows nothing of credits, queues or chat platforms.
 */
import type { PreparedImage, ProviderId, Resolution } from '../vocabulary.js';

/** What the core asks a provider for: every field already validated against the catalog. */
export interface ProviderRequest {
  readonly prompt: string;
  /** The provider's own model id, resolution suffix included where the provider wants one. */
  readonly model: string;
  readonly aspectRatio: string;
  readonly resolution: Resolution;
  /** Images wanted from this call: 1 unless the provider has a native count field. */
  readonly count: number;
  readonly references: readonly PreparedImage[];
  /**
   * Which image of the job this call is for (0-based), so that providers with no seed of their own
   * (the offline renderer) make each image of a multi-image job different. HTTP providers ignore it.
   */
  readonly variation?: number;
}

/** One image a provider produced: a URL the core downloads, or bytes it already has. */
export type ProviderImage = { readonly url: string } | { readonly bytes: Buffer; readonly mime: string };

export interface ProviderResult {
  /** The model the provider says it used (may differ in case or suffix from the request). */
  readonly model: string;
  readonly images: readonly ProviderImage[];
}

export interface ProviderCallOptions {
  /** Aborts the call; the core combines the caller's signal with the per-attempt timeout. */
  readonly signal: AbortSignal;
}

export interface ImageProvider {
  readonly id: ProviderId;
  /**
   * Sends one request. Throws {@link ProviderError} for every failure, with a kind the retry
   * policy and the user message can act on.
   */
  generate(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResult>;
}
