import type { Dispatcher } from 'undici';
import { ImageError } from '../errors.js';
import { fetchImage } from '../images/fetchImage.js';
import { checkFetchUrl, precheckFetchUrl } from '../net/checkFetchUrl.js';
import { prepareReference } from '../images/prepare.js';
import { formatBytes } from '../text/formatBytes.js';
import type { PreparedImage } from '../vocabulary.js';
import type { ReferenceSource } from './types.js';

/** How a reference is stored with its job: where it came from, never the headers that fetched it. */
export function describeReference(source: ReferenceSource, i: number): { name: string; url?: string } {
  const name = source.name ?? `reference-${i + 1}`;
  return 'url' in source ? { name, url: source.url } : { name };
}

/**
 * Refusals decidable from what the platform declared, before anything is downloaded or held.
 * @throws ImageError naming the attachment and what is allowed.
 */
export function checkDeclaredReferences(sources: readonly ReferenceSource[], maxBytes: number): void {
  for (const source of sources) {
    if (!('url' in source)) continue;
    const label = source.name ? `"${source.name}"` : 'An attachment';
    if (source.declaredType !== undefined && !/^image\/(png|jpeg|webp|gif)\b/i.test(source.declaredType)) {
      throw new ImageError('image_not_image', `${label} is not an image (PNG, JPEG, WebP or GIF).`);
    }
    if (source.declaredSize !== undefined && source.declaredSize > maxBytes) {
      throw new ImageError(
        'image_too_large',
        `${label} is too large (${formatBytes(source.declaredSize)}; ${formatBytes(maxBytes)} at most).`,
      );
    }
  }
}

/**
 * Refusals decidable from the reference links alone, before anything is held: what no download may
 * request (not http(s), user info) and, when `allowOrigins` is given, local address literals outside
 * it. The address actually connected to is checked again when downloading.
 * @throws FetchRefusedError
 */
export function checkReferenceUrls(sources: readonly ReferenceSource[], allowOrigins: ReadonlySet<string> | undefined): void {
  for (const source of sources) {
    if (!('url' in source)) continue;
    if (allowOrigins === undefined) checkFetchUrl(source.url);
    else precheckFetchUrl(source.url, allowOrigins);
  }
}

export interface PrepareReferencesOptions {
  /** Largest download before it is refused. */
  readonly maxDownloadBytes: number;
  /** The provider's per-image limit: every reference is re-encoded to fit it. */
  readonly maxReferenceBytes: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly dispatcher?: Dispatcher | undefined;
}

/** Downloads (capped, typed by content) and re-encodes every reference, in parallel (DESIGN §3 step 5). */
export function prepareReferences(sources: readonly ReferenceSource[], o: PrepareReferencesOptions): Promise<PreparedImage[]> {
  return Promise.all(
    sources.map(async (source, i) => {
      const bytes =
        'bytes' in source
          ? source.bytes
          : (
              await fetchImage(
                { url: source.url, ...(source.headers ? { headers: source.headers } : {}) },
                { maxBytes: o.maxDownloadBytes, timeoutMs: o.timeoutMs, signal: o.signal, ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}) },
              )
            ).bytes;
      return prepareReference(bytes, { name: source.name ?? `reference-${i + 1}`, maxBytes: o.maxReferenceBytes });
    }),
  );
}
