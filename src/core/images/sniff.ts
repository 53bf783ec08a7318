/** The image types the product accepts, named by their MIME type. */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** Bytes {@link sniffImageType} needs to tell every supported type apart (WebP's tag ends at byte 12). */
export const SNIFF_BYTES = 12;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function startsWith(bytes: Uint8Array, expected: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((value, index) => bytes[offset + index] === value);
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');

/**
 * Tells an image's type from its first bytes, ignoring any declared name or content type: a
 * platform's `content-type` (or a login page served in place of a file) is not to be trusted.
 *
 * @param bytes - the start of the file; {@link SNIFF_BYTES} bytes are enough.
 * @returns the MIME type, or `undefined` when the bytes are not a PNG, JPEG, WebP or GIF.
 */
export function sniffImageType(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return undefined;
}
