import { ValidationError } from '../errors.js';
import { truncate } from '../text/truncate.js';
import type { Resolution } from '../vocabulary.js';

/** Pixel size of an image. */
export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

/** Long side in pixels for each resolution name, as Gemini's image models size their outputs. */
export const LONG_SIDE: Readonly<Record<Resolution, number>> = { '512': 512, '1K': 1024, '2K': 2048, '4K': 4096 };

const RATIO = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * Parses an aspect ratio written `W:H` (e.g. `16:9`, `1:1`, `2.39:1`).
 * @throws ValidationError `invalid_aspect_ratio` when it is not two positive numbers.
 */
export function parseAspectRatio(aspectRatio: string): { readonly width: number; readonly height: number } {
  const match = RATIO.exec(aspectRatio);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!(width > 0 && height > 0)) {
    throw new ValidationError(`"${truncate(aspectRatio, 20)}" is not an aspect ratio like 16:9.`, {
      code: 'invalid_aspect_ratio',
    });
  }
  return { width, height };
}

/**
 * The pixel size for an aspect ratio at a resolution: the long side is {@link LONG_SIDE} of the
 * resolution, the short side follows the ratio, rounded to a multiple of 8 (what image codecs and
 * model outputs use), at least 8.
 *
 * @example dimensionsFor('16:9', '1K') // { width: 1024, height: 576 }
 * @throws ValidationError `invalid_aspect_ratio` for a malformed ratio.
 */
export function dimensionsFor(aspectRatio: string, resolution: Resolution): Dimensions {
  const ratio = parseAspectRatio(aspectRatio);
  const long = LONG_SIDE[resolution];
  const short = Math.max(8, Math.round((long * Math.min(ratio.width, ratio.height)) / Math.max(ratio.width, ratio.height) / 8) * 8);
  return ratio.width >= ratio.height ? { width: long, height: short } : { width: short, height: long };
}
