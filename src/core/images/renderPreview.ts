import sharp from 'sharp';
import { plural } from '../text/plural.js';
import type { Resolution } from '../vocabulary.js';
import { dimensionsFor } from './dimensions.js';
import { DEFAULT_MAX_PIXELS } from './limits.js';
import { previewSvg, type ThumbnailSlot } from './previewSvg.js';

/** What an offline preview shows. */
export interface PreviewRequest {
  readonly prompt: string;
  readonly aspectRatio: string;
  readonly resolution: Resolution;
  readonly references: readonly { readonly bytes: Buffer }[];
  /** Varies the colours between the images of one job; 0 (or absent) is the base look. */
  readonly variation?: number;
}

interface Thumbnail {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** More thumbnails than this would be too small to recognise; the rest are counted as `+N`. */
const MAX_THUMBNAILS = 8;
/**
 * zlib level for the PNG: 3 is several times faster than the default 6 on these flat images and
 * only slightly larger, which matters because benchmarks render many previews.
 */
const PNG_COMPRESSION = 3;

async function thumbnail(bytes: Buffer, side: number): Promise<Thumbnail> {
  const { data, info } = await sharp(bytes, { limitInputPixels: DEFAULT_MAX_PIXELS })
    .autoOrient()
    .resize({ width: side, height: side, fit: 'inside' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Places thumbnails left to right along the bottom, as many as fit in the width. */
function layoutStrip(thumbs: readonly Thumbnail[], width: number, height: number, short: number): ThumbnailSlot[] {
  const pad = Math.round(short * 0.04);
  const gap = Math.round(short * 0.025);
  const side = Math.round(short * 0.2);
  const slots: ThumbnailSlot[] = [];
  let left = pad;
  for (const thumb of thumbs) {
    // Leave room for the "+N" after the last thumbnail.
    if (left + thumb.width > width - pad - gap) break;
    slots.push({ left, top: height - pad - side + Math.round((side - thumb.height) / 2), width: thumb.width, height: thumb.height });
    left += thumb.width + gap;
  }
  return slots;
}

/**
 * Renders the offline preview PNG: a pure function of its request, so the same request gives the
 * same bytes on the same machine (fonts installed are the only outside input).
 *
 * @param signal - checked between the stages; a render already inside libvips runs to its end.
 */
export async function renderPreview(request: PreviewRequest, signal?: AbortSignal): Promise<Buffer> {
  const { width, height } = dimensionsFor(request.aspectRatio, request.resolution);
  const short = Math.min(width, height);
  const side = Math.round(short * 0.2);
  const thumbs = await Promise.all(request.references.slice(0, MAX_THUMBNAILS).map((ref) => thumbnail(ref.bytes, side)));
  signal?.throwIfAborted();
  const slots = layoutStrip(thumbs, width, height, short);
  const count = request.references.length;
  const svg = previewSvg({
    width,
    height,
    prompt: request.prompt,
    variation: request.variation ?? 0,
    caption: `${request.aspectRatio} · ${request.resolution} · ${width}×${height}${count > 0 ? ` · ${plural(count, 'reference')}` : ''}`,
    slots,
    hiddenReferences: count - slots.length,
    stripTop: count > 0 ? height - side - 2 * Math.round(short * 0.04) : height,
  });
  const composites = slots.map((slot, index) => {
    const thumb = thumbs[index] as Thumbnail;
    return { input: thumb.data, raw: { width: thumb.width, height: thumb.height, channels: 4 as const }, left: slot.left, top: slot.top };
  });
  const png = await sharp(Buffer.from(svg)).composite(composites).png({ compressionLevel: PNG_COMPRESSION }).toBuffer();
  signal?.throwIfAborted();
  return png;
}
