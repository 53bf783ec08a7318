import sharp from 'sharp';
import { ImageError } from '../errors.js';
import { formatBytes } from '../text/formatBytes.js';
import { notAnImage, tooManyPixels } from './limits.js';
import type { ImageInfo } from './inspect.js';

/** An image re-encoded by {@link encodeToFit}. */
export interface EncodedImage {
  readonly bytes: Buffer;
  readonly mime: 'image/png' | 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

export interface EncodeToFitOptions {
  readonly maxBytes: number;
  readonly maxPixels: number;
  /** Longest side of the result; `Infinity` keeps the size unless bytes force a shrink. */
  readonly maxSide: number;
}

interface Decoded {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: sharp.Channels;
}

/** Tried in turn at each size before shrinking: below ~50 a reference loses the detail it is for. */
const JPEG_QUALITIES = [90, 80, 70, 60, 50] as const;
/** Each shrink keeps at most this share of each side, so the search always ends. */
const MAX_SHRINK = 0.85;
const MIN_SHRINK = 0.25;
/** Below this longest side an image is useless as a reference or a result. */
const MIN_SIDE = 64;

/**
 * Decodes once, EXIF-oriented and within `maxSide`: every encoding attempt then starts from these
 * pixels instead of decoding the source again. Only the first frame of an animation is read
 * (sharp's default), and nothing of the source's metadata survives into the raw pixels.
 */
async function decode(bytes: Buffer, options: EncodeToFitOptions): Promise<Decoded> {
  let pipeline = sharp(bytes, { limitInputPixels: options.maxPixels }).autoOrient();
  if (Number.isFinite(options.maxSide)) {
    pipeline = pipeline.resize({
      width: options.maxSide,
      height: options.maxSide,
      fit: 'inside',
      withoutEnlargement: true,
    });
  }
  try {
    const { data, info } = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    // The header was already checked against the limit; libvips still refuses on its own count.
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw tooManyPixels(options.maxPixels);
    }
    throw notAnImage(error);
  }
}

function fromRaw(image: Decoded, width: number, height: number): sharp.Sharp {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  return width === image.width && height === image.height ? pipeline : pipeline.resize({ width, height, fit: 'fill' });
}

async function encodePng(image: Decoded): Promise<EncodedImage> {
  const bytes = await fromRaw(image, image.width, image.height).png().toBuffer();
  return { bytes, mime: 'image/png', width: image.width, height: image.height };
}

async function encodeJpeg(image: Decoded, width: number, height: number, quality: number): Promise<EncodedImage> {
  // JPEG has no alpha: transparent areas become white, as most viewers show them.
  const bytes = await fromRaw(image, width, height)
    .flatten({ background: '#ffffff' })
    .jpeg({ quality })
    .toBuffer();
  return { bytes, mime: 'image/jpeg', width, height };
}

/**
 * Re-encodes an image so it fits `maxBytes`: PNG when the source is lossless (PNG, GIF) or has
 * transparency and the PNG fits; otherwise JPEG at falling quality, then at smaller sizes, until it
 * fits. Metadata (EXIF, GPS, comments) is dropped because sharp writes none unless asked to.
 *
 * @param info - the source's header, from `inspectImage` (already checked against `maxPixels`).
 * @throws ImageError `image_too_large` when even a {@link MIN_SIDE}-pixel JPEG does not fit,
 *   `image_not_image` when the pixels cannot be decoded.
 */
export async function encodeToFit(bytes: Buffer, info: ImageInfo, options: EncodeToFitOptions): Promise<EncodedImage> {
  const image = await decode(bytes, options);
  const lossless = info.mime === 'image/png' || info.mime === 'image/gif' || info.hasAlpha;
  if (lossless) {
    const png = await encodePng(image);
    if (png.bytes.length <= options.maxBytes) return png;
  }
  let width = image.width;
  let height = image.height;
  for (;;) {
    let smallest = Infinity;
    for (const quality of JPEG_QUALITIES) {
      const jpeg = await encodeJpeg(image, width, height, quality);
      if (jpeg.bytes.length <= options.maxBytes) return jpeg;
      smallest = jpeg.bytes.length;
    }
    if (Math.max(width, height) <= MIN_SIDE) {
      throw new ImageError('image_too_large', `That image cannot be made smaller than ${formatBytes(options.maxBytes)}.`);
    }
    // Bytes grow roughly with the pixel count, so the side scales with the square root of the excess.
    const scale = Math.min(MAX_SHRINK, Math.max(MIN_SHRINK, Math.sqrt(options.maxBytes / smallest) * 0.95));
    width = Math.max(1, Math.round(width * scale));
    height = Math.max(1, Math.round(height * scale));
  }
}
