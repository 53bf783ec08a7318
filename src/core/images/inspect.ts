import sharp from 'sharp';
import { notAnImage, tooManyPixels } from './limits.js';
import { sniffImageType, type ImageMime } from './sniff.js';

/** What {@link inspectImage} learns from an image's header. */
export interface ImageInfo {
  readonly mime: ImageMime;
  /** Width as displayed, EXIF orientation applied; one frame of an animation. */
  readonly width: number;
  readonly height: number;
  /** Whether the image has an alpha channel (decides PNG over JPEG when re-encoding). */
  readonly hasAlpha: boolean;
}

const FORMAT_MIME: Readonly<Record<string, ImageMime>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/**
 * Checks an image from its header alone, without decoding pixels: the type by magic bytes, that
 * libvips agrees on that type, and the size. Cheap enough to run on every provider output.
 *
 * @param options.maxPixels - refuse images declaring more pixels than this (decompression bombs).
 * @throws ImageError `image_not_image` for anything else, `image_too_many_pixels` over `maxPixels`.
 */
export async function inspectImage(bytes: Buffer, options: { maxPixels?: number } = {}): Promise<ImageInfo> {
  const mime = sniffImageType(bytes);
  if (mime === undefined) throw notAnImage();
  let metadata: sharp.Metadata;
  try {
    // The header is read without a pixel limit so a bomb is reported by its size, not as broken.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw notAnImage(error);
  }
  if (FORMAT_MIME[metadata.format] !== mime || !(metadata.width > 0) || !(metadata.height > 0)) {
    throw notAnImage();
  }
  if (options.maxPixels !== undefined && metadata.width * metadata.height > options.maxPixels) {
    throw tooManyPixels(options.maxPixels, metadata);
  }
  return {
    mime,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    hasAlpha: metadata.hasAlpha,
  };
}
