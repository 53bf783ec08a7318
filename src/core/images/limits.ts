import { ImageError } from '../errors.js';
import { formatBytes } from '../text/formatBytes.js';

/**
 * Largest decoded image the core will touch: 50 megapixels is well above any camera or provider
 * output, and far below what a decompression bomb declares.
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** Longest side a reference is sent at; providers gain nothing from more (their 4K is 4096). */
export const DEFAULT_MAX_SIDE = 4096;

/** The sentence every "not an image" refusal uses, so users see one wording everywhere. */
export const NOT_AN_IMAGE_MESSAGE = 'That file is not an image (PNG, JPEG, WebP or GIF).';

/** The error for a file that is not one of the supported image types. */
export function notAnImage(cause?: unknown): ImageError {
  return new ImageError('image_not_image', NOT_AN_IMAGE_MESSAGE, cause === undefined ? undefined : { cause });
}

/** The error for a file over a byte limit; names the limit, never the file's address. */
export function tooLarge(maxBytes: number): ImageError {
  return new ImageError('image_too_large', `That image is larger than the ${formatBytes(maxBytes)} limit.`);
}

/**
 * The error for an image whose pixel count is over the limit (a likely decompression bomb).
 * @param size - the declared size, when the header gave one.
 */
export function tooManyPixels(maxPixels: number, size?: { width: number; height: number }): ImageError {
  const limit = `${Number((maxPixels / 1_000_000).toFixed(1))} megapixels`;
  const detail = size === undefined ? `the limit is ${limit}` : `${size.width}×${size.height} pixels; the limit is ${limit}`;
  return new ImageError('image_too_many_pixels', `That image is too large to process (${detail}).`);
}
