import { sniffImageType, type ImageMime } from './sniff.js';

/** Type and size read from an image's first bytes. */
export interface ImageHeader {
  readonly mime: ImageMime;
  readonly width: number;
  readonly height: number;
}

function png(b: Buffer): [number, number] | undefined {
  // Signature (8), IHDR length and type (8), then width and height as big-endian uint32.
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

function gif(b: Buffer): [number, number] | undefined {
  return b.length < 10 ? undefined : [b.readUInt16LE(6), b.readUInt16LE(8)];
}

function jpeg(b: Buffer): [number, number] | undefined {
  // Walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    }
    i += 2 + length;
  }
  return undefined;
}

function webp(b: Buffer): [number, number] | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return [b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff];
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return [(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') return [b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1];
  return undefined;
}

const READERS: Readonly<Record<ImageMime, (b: Buffer) => [number, number] | undefined>> = {
  'image/png': png,
  'image/gif': gif,
  'image/jpeg': jpeg,
  'image/webp': webp,
};

/**
 * Reads the type (by magic bytes) and pixel size from the header alone, in microseconds and on the
 * calling thread: the check every provider output gets before it is posted. Undefined when the bytes
 * are not a PNG, JPEG, WebP or GIF whose header can be read. EXIF orientation is not applied.
 */
export function readImageHeader(bytes: Buffer): ImageHeader | undefined {
  const mime = sniffImageType(bytes);
  if (!mime) return undefined;
  const size = READERS[mime](bytes);
  if (!size || !(size[0] > 0) || !(size[1] > 0)) return undefined;
  return { mime, width: size[0], height: size[1] };
}
