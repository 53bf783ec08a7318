import type { PreparedImage } from '../vocabulary.js';
import { encodeToFit, type EncodedImage } from './encodeToFit.js';
import { inspectImage, type ImageInfo } from './inspect.js';
import { DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE } from './limits.js';

export { inspectImage, type ImageInfo } from './inspect.js';

export interface PrepareReferenceOptions {
  /** The name the user gave the file; its extension is replaced to match the new type. */
  readonly name: string;
  /** The provider's per-reference limit (nbpro: 2,500,000 bytes). */
  readonly maxBytes: number;
  /**
   * Refuse images declaring more pixels than this, before decoding any of them.
   * @defaultValue {@link DEFAULT_MAX_PIXELS} (50 megapixels)
   */
  readonly maxPixels?: number;
  /**
   * Longest side of the prepared image.
   * @defaultValue {@link DEFAULT_MAX_SIDE} (4096)
   */
  readonly maxSide?: number;
}

const EXTENSIONS: Readonly<Record<EncodedImage['mime'], string>> = { 'image/png': '.png', 'image/jpeg': '.jpg' };

/** Replaces (or adds) the extension, keeping only the last path segment of a declared name. */
function renameFor(name: string, mime: EncodedImage['mime']): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '').trim();
  return `${stem === '' ? 'image' : stem}${EXTENSIONS[mime]}`;
}

/**
 * Turns downloaded bytes into a reference a provider accepts (DESIGN §3 step 5): checks the type and
 * pixel count from the header (a decompression bomb is refused before any decoding), applies the
 * EXIF orientation, takes the first frame of an animation, strips metadata, caps the longest side
 * and re-encodes so the result fits `maxBytes` (see {@link encodeToFit}).
 *
 * @throws ImageError `image_not_image`, `image_too_many_pixels`, `image_too_large` (cannot fit).
 */
export async function prepareReference(bytes: Buffer, options: PrepareReferenceOptions): Promise<PreparedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const info = await inspectImage(bytes, { maxPixels });
  const encoded = await encodeToFit(bytes, info, {
    maxBytes: options.maxBytes,
    maxPixels,
    maxSide: options.maxSide ?? DEFAULT_MAX_SIDE,
  });
  return { ...encoded, name: renameFor(options.name, encoded.mime) };
}

/** An image that fits a byte limit: the original when it already did, else a re-encoding. */
export interface FittedImage {
  readonly bytes: Buffer;
  readonly mime: ImageInfo['mime'];
  readonly width: number;
  readonly height: number;
}

/**
 * Makes a result fit a platform's upload limit (DESIGN §3 step 7). An image already within
 * `maxBytes` is returned untouched (same buffer, no quality lost); a larger one is re-encoded with
 * the strategy of {@link encodeToFit}, keeping its size unless bytes force a shrink.
 *
 * @param options.maxPixels - @defaultValue {@link DEFAULT_MAX_PIXELS}
 * @throws ImageError `image_not_image`, `image_too_many_pixels`, `image_too_large` (cannot fit).
 */
export async function fitImageToBytes(
  bytes: Buffer,
  maxBytes: number,
  options: { maxPixels?: number } = {},
): Promise<FittedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const info = await inspectImage(bytes, { maxPixels });
  if (bytes.length <= maxBytes) return { bytes, mime: info.mime, width: info.width, height: info.height };
  return encodeToFit(bytes, info, { maxBytes, maxPixels, maxSide: Infinity });
}
