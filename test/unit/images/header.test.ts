import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../../src/core/images/header.js';

const base = () => sharp({ create: { width: 321, height: 123, channels: 4, background: '#3366cc80' } });

describe('readImageHeader', () => {
  it.each([
    ['image/png', () => base().png().toBuffer()],
    ['image/jpeg', () => base().jpeg().toBuffer()],
    ['image/jpeg', () => base().jpeg({ progressive: true }).withMetadata({ exif: { IFD0: { Copyright: 'x' } } }).toBuffer()],
    ['image/webp', () => base().webp({ lossless: true }).toBuffer()],
    ['image/webp', () => base().flatten().webp().toBuffer()],
    ['image/webp', () => base().webp().toBuffer()],
    ['image/gif', () => base().gif().toBuffer()],
  ])('reads %s dimensions without decoding', async (mime, make) => {
    expect(readImageHeader(await make())).toEqual({ mime, width: 321, height: 123 });
  });

  it('refuses what is not a readable image header', () => {
    expect(readImageHeader(Buffer.from('<!DOCTYPE html><html></html>'))).toBeUndefined();
    expect(readImageHeader(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBeUndefined();
    expect(readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBeUndefined();
    expect(readImageHeader(Buffer.alloc(0))).toBeUndefined();
  });
});
