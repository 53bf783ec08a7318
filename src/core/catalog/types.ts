import type { ProviderId, Resolution } from '../vocabulary.js';

/** One model a user can pick, and the provider model id used for each resolution it offers. */
export interface CatalogModel {
  /** The name users see and type (`model` option). */
  readonly name: string;
  /** Provider model id per resolution; a resolution missing here is not offered for this model. */
  readonly variants: Partial<Record<Resolution, string>>;
  readonly aspectRatios: readonly string[];
}

/** What one configured provider accepts: the single source for options, choices and validation. */
export interface Catalog {
  readonly provider: ProviderId;
  readonly models: readonly CatalogModel[];
  readonly defaultModel: string;
  readonly defaultAspectRatio: string;
  readonly defaultResolution: Resolution;
  readonly maxCount: number;
  /** 0 when the provider takes no reference images. */
  readonly maxReferences: number;
  /** Largest reference the provider accepts, in bytes; references are re-encoded to fit. */
  readonly maxReferenceBytes: number;
  /** Whether one provider call can return several images (otherwise one call per image). */
  readonly nativeCount: boolean;
  /** Jobs at the provider at once unless configured otherwise. */
  readonly defaultConcurrency: number;
}
