import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { sniffImageType } from '../../../src/core/images/sniff.js';

const pixel = sharp({ create: { width: 4, height: 4, channels: 3, background: '#08f' } });

describe('sniffImageType', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
  ] as const)('recognises a real %s by its bytes', async (format, mime) => {
    const bytes = await pixel.clone().toFormat(format).toBuffer();
    expect(sniffImageType(bytes)).toBe(mime);
  });

  it('recognises both GIF versions from the signature alone', () => {
    expect(sniffImageType(Buffer.from('GIF87a....'))).toBe('image/gif');
    expect(sniffImageType(Buffer.from('GIF89a....'))).toBe('image/gif');
  });

  it.each([
    ['an HTML login page', Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>')],
    ['JSON', Buffer.from('{"error":"not_authed"}')],
    ['empty bytes', Buffer.alloc(0)],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ['a RIFF file that is not WebP (WAV)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['a PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3', 'latin1')],
    ['a TIFF', Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00])],
  ])('rejects %s', (_name, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
