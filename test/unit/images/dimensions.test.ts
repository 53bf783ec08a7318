import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { dimensionsFor, LONG_SIDE, parseAspectRatio } from '../../../src/core/images/dimensions.js';
import { RESOLUTIONS } from '../../../src/core/vocabulary.js';

describe('dimensionsFor', () => {
  it.each([
    ['1:1', '1K', 1024, 1024],
    ['16:9', '1K', 1024, 576],
    ['9:16', '1K', 576, 1024],
    ['21:9', '1K', 1024, 440],
    ['3:2', '2K', 2048, 1368],
    ['4:5', '4K', 3280, 4096],
    ['4:3', '512', 512, 384],
    ['1:1', '4K', 4096, 4096],
  ] as const)('%s at %s is %i×%i', (ratio, resolution, width, height) => {
    expect(dimensionsFor(ratio, resolution)).toEqual({ width, height });
  });

  it('keeps the long side of the resolution and a short side that is a multiple of 8', () => {
    for (const resolution of RESOLUTIONS) {
      for (const ratio of ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '8:1']) {
        const { width, height } = dimensionsFor(ratio, resolution);
        expect(Math.max(width, height)).toBe(LONG_SIDE[resolution]);
        expect(width % 8).toBe(0);
        expect(height % 8).toBe(0);
        const [w, h] = ratio.split(':').map(Number) as [number, number];
        expect(Math.abs(width / height - w / h) / (w / h)).toBeLessThan(0.05);
      }
    }
  });

  it('accepts spaces and decimals', () => {
    expect(parseAspectRatio(' 2.39 : 1 ')).toEqual({ width: 2.39, height: 1 });
  });

  it.each(['', '16x9', '0:1', '1:0', '-1:1', 'a:b', '16:9:1'])('refuses %j', (ratio) => {
    expect(() => dimensionsFor(ratio, '1K')).toThrow(ValidationError);
    expect(() => dimensionsFor(ratio, '1K')).toThrow(expect.objectContaining({ code: 'invalid_aspect_ratio' }));
  });
});
