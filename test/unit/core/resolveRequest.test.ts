import { describe, expect, it } from 'vitest';
import { catalogFor } from '../../../src/core/catalog/catalogs.js';
import { ValidationError } from '../../../src/core/errors.js';
import { resolveRequest } from '../../../src/core/generation/resolveRequest.js';
import { defaultPriceTable, parsePriceOverrides } from '../../../src/core/pricing/priceTable.js';

const nbapi = catalogFor('nbapi');
const nbproStandard = catalogFor('nbpro', 'standard');
const nbproFree = catalogFor('nbpro', 'free');

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resolveRequest', () => {
  it('applies catalog defaults and prices the job', () => {
    expect(resolveRequest(nbapi, defaultPriceTable, '  a koi pond  ', {}, 0)).toEqual({
      prompt: 'a koi pond',
      model: 'gemini-3.1-flash-image-preview',
      providerModel: 'gemini-3.1-flash-image-preview',
      aspectRatio: '1:1',
      resolution: '1K',
      count: 1,
      unitCost: 4,
      cost: 4,
    });
  });

  it('maps nbapi resolution to the model suffix and its documented price', () => {
    const r = resolveRequest(nbapi, defaultPriceTable, 'x', { model: 'gemini-3-pro-image-preview', resolution: '4k', count: 2 }, 0);
    expect(r).toMatchObject({ providerModel: 'gemini-3-pro-image-preview-4k', unitCost: 16, cost: 32 });
    expect(resolveRequest(nbapi, defaultPriceTable, 'x', { resolution: '512' }, 0).providerModel).toBe('gemini-3.1-flash-image-preview-512');
    expect(resolveRequest(nbapi, defaultPriceTable, 'x', { model: 'gemini-2.5-flash-image', resolution: '2K' }, 0)).toMatchObject({
      providerModel: 'gemini-2.5-flash-image-hd',
      unitCost: 5,
    });
  });

  it('prices nbpro by resolution', () => {
    expect(resolveRequest(nbproStandard, defaultPriceTable, 'x', { resolution: '4K', count: 3 }, 2)).toMatchObject({ unitCost: 8, cost: 24 });
    expect(resolveRequest(nbproStandard, defaultPriceTable, 'x', { resolution: '2K' }, 0).unitCost).toBe(6);
  });

  it('refuses 21:9 on a model that lacks it, naming what is allowed', () => {
    const message = refusal(() => resolveRequest(nbapi, defaultPriceTable, 'x', { model: 'gemini-3-pro-image-preview', aspectRatio: '21:9' }, 0));
    expect(message).toMatch(/21:9 is not available on gemini-3-pro-image-preview\. Allowed: 1:1, 16:9/);
    expect(resolveRequest(nbapi, defaultPriceTable, 'x', { aspectRatio: '21:9' }, 0).aspectRatio).toBe('21:9');
  });

  it('refuses 4K on the nbpro free plan and says why', () => {
    expect(refusal(() => resolveRequest(nbproFree, defaultPriceTable, 'x', { resolution: '4K' }, 0))).toBe(
      'Resolution 4K is not available on nano-banana-2 (4K needs the nbpro Standard or Pro plan). Allowed: 1K, 2K.',
    );
  });

  it('refuses references where the provider takes none, and too many elsewhere', () => {
    expect(refusal(() => resolveRequest(nbapi, defaultPriceTable, 'x', {}, 1))).toMatch(/does not take reference images/);
    expect(refusal(() => resolveRequest(nbproFree, defaultPriceTable, 'x', {}, 4))).toBe('Too many reference images: 4 given, 3 allowed.');
    expect(resolveRequest(nbproStandard, defaultPriceTable, 'x', {}, 8).count).toBe(1);
  });

  it('normalises the prompt, and refuses one with no real text once invisible characters are gone', () => {
    const prompt = (text: string) => resolveRequest(nbapi, defaultPriceTable, text, {}, 0).prompt;
    for (const invisible of ['\u200B', '\u200B\u200C\u200D\u2060\uFEFF', '\u0000\u0007\u001B\u007F\u0085\u009F', ' \t\r\n\u200D ', '\u3000\u00A0']) {
      expect(refusal(() => prompt(invisible)), JSON.stringify(invisible)).toBe('Write a prompt: describe the image you want.');
    }
    expect(prompt('Cafe\u0301 \u200Bat\u2060 dawn\uFEFF')).toBe('Caf\u00E9 at dawn');
    expect(prompt('a\u0007 red\u0000 kite\u009B')).toBe('a red kite');
    expect(prompt('line one\r\nline two\ttabbed')).toBe('line one\nline two tabbed');
    // Joiners that join something stay: emoji sequences, Persian and Indic spelling.
    for (const kept of ['\u{1F469}\u200D\u{1F4BB} coding', '\u{1F3F3}\uFE0F\u200D\u{1F308} flag', '\u{1F469}\u{1F3FD}\u200D\u{1F4BB}', '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645', '\u0915\u094D\u200D\u0937']) {
      expect(prompt(kept)).toBe(kept);
    }
    // Stray joiners, at the edges or next to spaces, go.
    expect(prompt('\u200Da cat\u200D \u200D\u200Dhat\u200C')).toBe('a cat hat');
    // The length limit counts what is left.
    expect(prompt(`${'\u200B'.repeat(5000)}short`)).toBe('short');
  });

  it('refuses empty or huge prompts, unknown models and bad counts', () => {
    expect(refusal(() => resolveRequest(nbapi, defaultPriceTable, '   ', {}, 0))).toMatch(/Write a prompt/);
    expect(refusal(() => resolveRequest(nbapi, defaultPriceTable, 'x'.repeat(4001), {}, 0))).toMatch(/too long/);
    expect(refusal(() => resolveRequest(nbapi, defaultPriceTable, 'x', { model: 'dall-e' }, 0))).toMatch(/Unknown model "dall-e". Choose one of: gemini-3-pro/);
    for (const count of [0, 5, 1.5]) {
      expect(refusal(() => resolveRequest(nbapi, defaultPriceTable, 'x', { count }, 0))).toBe('Count must be a whole number from 1 to 4.');
    }
  });
});

describe('price overrides', () => {
  it('keeps defaults for keys left out', () => {
    const t = parsePriceOverrides({ nbpro: { '4K': 10 }, nbapi: { 'gemini-3-pro-image-preview': 9 } });
    expect(t.nbpro).toEqual({ '1K': 4, '2K': 6, '4K': 10 });
    expect(t.nbapi['gemini-3-pro-image-preview']).toBe(9);
    expect(t.nbapi['gemini-2.5-flash-image']).toBe(2);
    expect(resolveRequest(nbproStandard, t, 'x', { resolution: '4K' }, 0).unitCost).toBe(10);
  });

  it('refuses unknown keys and bad values, listing each', () => {
    expect(() => parsePriceOverrides({ nbpro: { '8K': 1 } })).toThrow(/nbpro: Unrecognized key/);
    expect(() => parsePriceOverrides({ dalle: {} })).toThrow(/Unrecognized key/);
    const bad = () => parsePriceOverrides({ offline: { '1K': -1 }, nbpro: { '2K': 1.5 } });
    expect(bad).toThrow(/offline\.1K: cannot be negative/);
    expect(bad).toThrow(/nbpro\.2K: must be a whole number/);
  });
});
