import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ImageError } from '../../../src/core/errors.js';
import { fitImageToBytes, inspectImage, prepareReference } from '../../../src/core/images/prepare.js';
import { noisyPng, pngBomb, solidPng } from '../../fakes/imageFixtures.js';

const MB = 1024 * 1024;
const NBPRO_MAX = 2.5 * MB;

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

/** The RGB of one pixel. */
async function pixelAt(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(bytes).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [...data];
}

function near(actual: number[], expected: number[], tolerance = 12): boolean {
  return actual.every((value, index) => Math.abs(value - (expected[index] ?? 0)) <= tolerance);
}

/** 200×100, left half red and right half blue, stored with EXIF orientation 6 (display rotated 90° clockwise). */
async function rotatedJpegWithExif(): Promise<Buffer> {
  const half = (colour: string) => sharp({ create: { width: 100, height: 100, channels: 3, background: colour } }).png().toBuffer();
  return sharp({ create: { width: 200, height: 100, channels: 3, background: '#000' } })
    .composite([
      { input: await half('#ff0000'), left: 0, top: 0 },
      { input: await half('#0000ff'), left: 100, top: 0 },
    ])
    .jpeg({ quality: 95 })
    .withExif({ IFD0: { Artist: 'Jane Secret', Copyright: 'Hidden Corp' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

describe('prepareReference', () => {
  describe('decompression bomb', () => {
    let bomb: Buffer;
    beforeAll(() => {
      bomb = pngBomb(20_000);
    });

    it('is a small file declaring 400 megapixels', async () => {
      expect(bomb.length).toBeLessThan(100_000);
      const metadata = await sharp(bomb, { limitInputPixels: false }).metadata();
      expect([metadata.width, metadata.height]).toEqual([20_000, 20_000]);
    });

    it('is refused from its header, quickly, without decoding', async () => {
      const started = performance.now();
      const error = await failure(prepareReference(bomb, { name: 'bomb.png', maxBytes: NBPRO_MAX }));
      expect(error.code).toBe('image_too_many_pixels');
      expect(error.message).toBe('That image is too large to process (20000×20000 pixels; the limit is 50 megapixels).');
      // Decoding 400 megapixels takes seconds and gigabytes; reading a header takes milliseconds.
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('is refused by fitImageToBytes and inspectImage too', async () => {
      expect((await failure(fitImageToBytes(bomb, MB))).code).toBe('image_too_many_pixels');
      expect((await failure(inspectImage(bomb, { maxPixels: 50_000_000 }))).code).toBe('image_too_many_pixels');
    });

    it('honours a lower maxPixels', async () => {
      const png = await solidPng(1000, 1000, '#777');
      expect((await failure(prepareReference(png, { name: 'a.png', maxBytes: MB, maxPixels: 500_000 }))).code).toBe('image_too_many_pixels');
    });
  });

  describe('EXIF', () => {
    let jpeg: Buffer;
    beforeAll(async () => {
      jpeg = await rotatedJpegWithExif();
    });

    it('starts with EXIF metadata and an orientation (sanity check of the fixture)', async () => {
      const metadata = await sharp(jpeg).metadata();
      expect(metadata.exif).toBeDefined();
      expect(metadata.orientation).toBe(6);
      expect(jpeg.includes('Jane Secret')).toBe(true);
    });

    it('strips the metadata', async () => {
      const prepared = await prepareReference(jpeg, { name: 'photo.jpeg', maxBytes: NBPRO_MAX });
      const metadata = await sharp(prepared.bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.orientation).toBeUndefined();
      expect(prepared.bytes.includes('Jane Secret')).toBe(false);
      expect(prepared.bytes.includes('Hidden Corp')).toBe(false);
    });

    it('applies the rotation to the pixels', async () => {
      const prepared = await prepareReference(jpeg, { name: 'photo.jpeg', maxBytes: NBPRO_MAX });
      expect([prepared.width, prepared.height]).toEqual([100, 200]);
      // Rotated 90° clockwise, the left (red) half is now on top.
      expect(near(await pixelAt(prepared.bytes, 50, 40), [255, 0, 0], 40)).toBe(true);
      expect(near(await pixelAt(prepared.bytes, 50, 160), [0, 0, 255], 40)).toBe(true);
      expect(prepared.mime).toBe('image/jpeg');
      expect(prepared.name).toBe('photo.jpg');
    });

    it('is reported with the displayed size by inspectImage', async () => {
      expect(await inspectImage(jpeg)).toMatchObject({ mime: 'image/jpeg', width: 100, height: 200 });
    });
  });

  describe('size', () => {
    it('re-encodes a 6 MB noisy PNG to at most 2.5 MB', async () => {
      const big = await noisyPng(1450, 1450);
      expect(big.length).toBeGreaterThan(6_000_000);
      const prepared = await prepareReference(big, { name: 'scan.PNG', maxBytes: NBPRO_MAX });
      expect(prepared.bytes.length).toBeLessThanOrEqual(NBPRO_MAX);
      expect(prepared.mime).toBe('image/jpeg');
      expect(prepared.name).toBe('scan.jpg');
      const metadata = await sharp(prepared.bytes).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', prepared.width, prepared.height]);
      expect(prepared.width).toBe(prepared.height);
    });

    it('shrinks the dimensions when quality alone is not enough', async () => {
      const noisy = await noisyPng(400, 400);
      const prepared = await prepareReference(noisy, { name: 'n.png', maxBytes: 20_000 });
      expect(prepared.bytes.length).toBeLessThanOrEqual(20_000);
      expect(prepared.width).toBeLessThan(400);
    });

    it('refuses a limit no image can fit', async () => {
      const noisy = await noisyPng(400, 400);
      const error = await failure(prepareReference(noisy, { name: 'n.png', maxBytes: 300 }));
      expect(error.code).toBe('image_too_large');
    });

    it('keeps a PNG that fits as PNG, same size', async () => {
      const png = await solidPng(300, 200, '#123456');
      const prepared = await prepareReference(png, { name: 'dir/sub/logo.png', maxBytes: NBPRO_MAX });
      expect(prepared).toMatchObject({ mime: 'image/png', name: 'logo.png', width: 300, height: 200 });
      expect(near(await pixelAt(prepared.bytes, 10, 10), [0x12, 0x34, 0x56], 0)).toBe(true);
    });

    it('caps the longest side at 4096 by default', async () => {
      const huge = await sharp({ create: { width: 6000, height: 3000, channels: 3, background: '#abc' } }).png().toBuffer();
      const prepared = await prepareReference(huge, { name: 'wide', maxBytes: NBPRO_MAX });
      expect([prepared.width, prepared.height]).toEqual([4096, 2048]);
      expect(prepared.name).toBe('wide.png');
    });

    it('honours maxSide', async () => {
      const png = await solidPng(800, 400, '#abc');
      const prepared = await prepareReference(png, { name: 'a.png', maxBytes: NBPRO_MAX, maxSide: 200 });
      expect([prepared.width, prepared.height]).toEqual([200, 100]);
    });
  });

  describe('formats', () => {
    const red = () => solidPng(40, 30, '#ff0000');
    const blue = () => solidPng(40, 30, '#0000ff');

    it('takes the first frame of an animated GIF', async () => {
      const gif = await sharp([await red(), await blue()], { join: { animated: true } }).gif().toBuffer();
      expect((await sharp(gif).metadata()).pages).toBe(2);
      const prepared = await prepareReference(gif, { name: 'anim.gif', maxBytes: NBPRO_MAX });
      expect(prepared).toMatchObject({ mime: 'image/png', name: 'anim.png', width: 40, height: 30 });
      expect((await sharp(prepared.bytes).metadata()).pages).toBeUndefined();
      expect(near(await pixelAt(prepared.bytes, 20, 15), [255, 0, 0])).toBe(true);
    });

    it('takes the first frame of an animated WebP', async () => {
      const webp = await sharp([await blue(), await red()], { join: { animated: true } }).webp({ lossless: true }).toBuffer();
      const prepared = await prepareReference(webp, { name: 'anim.webp', maxBytes: NBPRO_MAX });
      expect([prepared.width, prepared.height]).toEqual([40, 30]);
      expect(near(await pixelAt(prepared.bytes, 20, 15), [0, 0, 255], 40)).toBe(true);
    });

    it('keeps transparency as PNG', async () => {
      const clear = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).webp({ lossless: true }).toBuffer();
      const prepared = await prepareReference(clear, { name: 'clear.webp', maxBytes: NBPRO_MAX });
      expect(prepared.mime).toBe('image/png');
      expect((await sharp(prepared.bytes).metadata()).hasAlpha).toBe(true);
    });

    it.each([
      ['HTML', Buffer.from('<!DOCTYPE html><html></html>')],
      ['a PNG signature followed by garbage', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)])],
    ])('refuses %s as not an image', async (_name, bytes) => {
      const error = await failure(prepareReference(bytes, { name: 'x.png', maxBytes: NBPRO_MAX }));
      expect(error.code).toBe('image_not_image');
    });
  });
});

describe('fitImageToBytes', () => {
  it('returns an image that already fits untouched', async () => {
    const png = await solidPng(100, 100, '#0f0');
    const fitted = await fitImageToBytes(png, MB);
    expect(fitted.bytes).toBe(png);
    expect(fitted).toMatchObject({ mime: 'image/png', width: 100, height: 100 });
  });

  it('re-encodes an oversized output to fit, keeping its size when quality is enough', async () => {
    const big = await noisyPng(1000, 1000);
    const fitted = await fitImageToBytes(big, 2 * MB);
    expect(fitted.bytes.length).toBeLessThanOrEqual(2 * MB);
    expect(fitted).toMatchObject({ mime: 'image/jpeg', width: 1000, height: 1000 });
  });
});

describe('inspectImage', () => {
  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('reads a %s header', async (format) => {
    const bytes = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#f80' } }).toFormat(format).toBuffer();
    expect(await inspectImage(bytes)).toMatchObject({ mime: `image/${format}`, width: 30, height: 20 });
  });

  it('refuses a file whose magic bytes and format disagree', async () => {
    expect((await failure(inspectImage(Buffer.from('GIF89a not really a gif')))).code).toBe('image_not_image');
  });
});
