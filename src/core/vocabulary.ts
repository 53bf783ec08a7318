/**
 * The words every part of the core shares: who asks (platform), who draws (provider), what size,
 * and an image ready to send. Providers, the catalog, the engine and the store all import these.
 */

export type Platform = 'discord' | 'slack' | 'cli';

export type ProviderId = 'nbpro' | 'nbapi' | 'offline';

/** Output sizes the product speaks of. `512` exists only on some nbapi models. */
export type Resolution = '512' | '1K' | '2K' | '4K';
export const RESOLUTIONS: readonly Resolution[] = ['512', '1K', '2K', '4K'];

/** A reference image after the core fetched, checked and re-encoded it. */
export interface PreparedImage {
  readonly bytes: Buffer;
  readonly mime: 'image/png' | 'image/jpeg' | 'image/webp';
  readonly name: string;
  readonly width: number;
  readonly height: number;
}
