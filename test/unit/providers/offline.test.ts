import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ProviderError } from '../../../src/core/errors.js';
import { dimensionsFor } from '../../../src/core/images/dimensions.js';
import { sniffImageType } from '../../../src/core/images/sniff.js';
import { OFFLINE_MODEL } from '../../../src/core/catalog/catalogs.js';
import { OfflineProvider } from '../../../src/core/providers/offline.js';
import type { PreparedImage, Resolution } from '../../../src/core/vocabulary.js';
import type { ProviderRequest } from '../../../src/core/providers/types.js';
import { solidPng } from '../../fakes/imageFixtures.js';

const provider = new OfflineProvider();
const live = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    prompt: 'a koi pond at dawn',
    model: 'offline-preview',
    aspectRatio: '1:1',
    resolution: '1K',
    count: 1,
    references: [],
    ...overrides,
  };
}

async function render(overrides: Partial<ProviderRequest> = {}): Promise<Buffer> {
  const result = await provider.generate(request(overrides), live());
  expect(result.images).toHaveLength(1);
  const image = result.images[0]!;
  if (!('bytes' in image)) throw new Error('expected bytes');
  return image.bytes;
}

async function reference(colour: string, width: number, height: number): Promise<PreparedImage> {
  return { bytes: await solidPng(width, height, colour), mime: 'image/png', name: 'ref.png', width, height };
}

async function pixelAt(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(bytes).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [...data];
}

describe('OfflineProvider', () => {
  it('is the offline provider and returns one PNG from the offline model', async () => {
    expect(provider.id).toBe('offline');
    const result = await provider.generate(request({ count: 3 }), live());
    expect(result.model).toBe(OFFLINE_MODEL);
    expect(result.images).toHaveLength(1);
    const image = result.images[0]!;
    expect('bytes' in image && image.mime).toBe('image/png');
    expect('bytes' in image && sniffImageType(image.bytes)).toBe('image/png');
  });

  describe('determinism', () => {
    let red: PreparedImage;
    beforeAll(async () => {
      red = await reference('#ff0000', 300, 200);
    });

    it('renders identical bytes for an identical request', async () => {
      const [first, second] = await Promise.all([render({ references: [red] }), render({ references: [red] })]);
      expect(first.equals(second)).toBe(true);
    });

    it('renders different images for different prompts, ratios and references', async () => {
      const base = await render();
      for (const other of [
        await render({ prompt: 'a koi pond at dusk' }),
        await render({ aspectRatio: '4:3' }),
        await render({ references: [red] }),
      ]) {
        expect(other.equals(base)).toBe(false);
      }
    });
  });

  it.each([
    ['1:1', '512'],
    ['16:9', '1K'],
    ['9:16', '1K'],
    ['21:9', '1K'],
    ['3:2', '2K'],
    ['4:5', '2K'],
  ] as [string, Resolution][])('renders %s at %s at the catalog size', async (aspectRatio, resolution) => {
    const metadata = await sharp(await render({ aspectRatio, resolution })).metadata();
    expect({ width: metadata.width, height: metadata.height }).toEqual(dimensionsFor(aspectRatio, resolution));
  });

  it('renders 4K at 4096 pixels', async () => {
    const metadata = await sharp(await render({ resolution: '4K', aspectRatio: '16:9' })).metadata();
    expect([metadata.width, metadata.height]).toEqual([4096, 2304]);
  });

  it('shows the references as thumbnails in a strip along the bottom', async () => {
    const bytes = await render({ references: [await reference('#ff0000', 300, 200), await reference('#0000ff', 200, 300)] });
    // 1K square: padding 41 px, thumbnail slots 205 px; the first thumbnail is 205×137, the second 137×205.
    expect(await pixelAt(bytes, 41 + 102, 1024 - 41 - 102)).toEqual([255, 0, 0]);
    expect(await pixelAt(bytes, 41 + 205 + 26 + 68, 1024 - 41 - 102)).toEqual([0, 0, 255]);
  });

  it('counts references that do not fit', async () => {
    const ref = await reference('#00ff00', 100, 100);
    const bytes = await render({ aspectRatio: '9:16', references: Array.from({ length: 12 }, () => ref) });
    expect(sniffImageType(bytes)).toBe('image/png');
  });

  it('renders prompts with markup, control characters and great length', async () => {
    const nasty = `</text><svg onload="x"> & ' " \u0000\u0007 🐟 ${'very long prompt '.repeat(200)}`;
    const bytes = await render({ prompt: nasty });
    expect(sniffImageType(bytes)).toBe('image/png');
    expect((await render({ prompt: nasty })).equals(bytes)).toBe(true);
  });

  it('renders an empty prompt', async () => {
    expect(sniffImageType(await render({ prompt: '' }))).toBe('image/png');
  });

  describe('abort', () => {
    it('refuses to start with an aborted signal', async () => {
      const controller = new AbortController();
      const reason = new Error('cancelled');
      controller.abort(reason);
      await expect(provider.generate(request(), { signal: controller.signal })).rejects.toBe(reason);
    });

    it('stops when the signal aborts during the render', async () => {
      const controller = new AbortController();
      const reason = new Error('cancelled');
      const pending = provider.generate(request({ references: [await reference('#f00', 50, 50)] }), { signal: controller.signal });
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    });
  });

  it('reports a malformed ratio as an invalid request', async () => {
    const error: unknown = await provider.generate(request({ aspectRatio: 'wide' }), live()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'invalid_request', provider: 'offline' });
  });
});
