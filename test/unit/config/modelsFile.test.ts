import { describe, expect, it } from 'vitest';
import { CatalogFileError, parseModelsFile, parsePricesFile } from '../../../src/core/catalog/modelsFile.js';
import { ValidationError } from '../../../src/core/errors.js';

function problems(parse: (value: unknown) => unknown, value: unknown): string[] {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof CatalogFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a CatalogFileError');
}
const modelProblems = (value: unknown) => problems(parseModelsFile, value);
/** The problems of one model entry beside a valid one. */
const entryProblems = (entry: unknown) => modelProblems({ models: [{ name: 'ok', aliases: ['fine'] }, entry] });
const offerOf = (offer: unknown) => ({ name: 'm', providers: { nbapi: offer } });

describe('parseModelsFile', () => {
  it('accepts every documented shape and returns exactly what was given, frozen', () => {
    const file = parseModelsFile({
      default: 'gemini-3-pro-image',
      models: [
        {
          name: 'gemini-3-pro-image',
          aliases: ['nano-banana-pro'],
          providers: {
            nbapi: { ids: { '1K': 'gemini-3-pro-image', '2K': 'gemini-3-pro-image-2k', '4K': 'gemini-3-pro-image-4k' }, prices: { '1K': 8, '4K': 16 }, ratios: ['1:1', '21:9'] },
            nbpro: { ids: { '1K': 'nano-banana-2' } },
          },
        },
        { name: 'gemini-3-pro-image-preview', deprecated: '2026-06-25', use: 'gemini-3-pro-image' },
        { name: 'gemini-2.5-flash-image', aliases: ['nano-banana'] },
      ],
    });
    expect(file).toEqual({
      default: 'gemini-3-pro-image',
      models: [
        {
          name: 'gemini-3-pro-image',
          aliases: ['nano-banana-pro'],
          providers: {
            nbapi: { ids: { '1K': 'gemini-3-pro-image', '2K': 'gemini-3-pro-image-2k', '4K': 'gemini-3-pro-image-4k' }, prices: { '1K': 8, '4K': 16 }, ratios: ['1:1', '21:9'] },
            nbpro: { ids: { '1K': 'nano-banana-2' } },
          },
        },
        { name: 'gemini-3-pro-image-preview', deprecated: '2026-06-25', use: 'gemini-3-pro-image' },
        { name: 'gemini-2.5-flash-image', aliases: ['nano-banana'] },
      ],
    });
    // Keys left out stay out (no `aliases: undefined`), for exact optional types downstream.
    expect(Object.keys(file.models[1]!)).toEqual(['name', 'deprecated', 'use']);
    expect(Object.isFrozen(file)).toBe(true);
    expect(Object.isFrozen(file.models)).toBe(true);
    expect(Object.isFrozen(file.models[0]!.providers!.nbapi!.ids)).toBe(true);
    expect(parseModelsFile({ models: [] })).toEqual({ models: [] });
  });

  it('throws a ValidationError coded models_invalid', () => {
    try {
      parseModelsFile({ models: 'none' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('models_invalid');
      expect((error as ValidationError).message).toBe('Invalid models file: models: must be a list of models');
    }
  });

  it('needs a mapping with a models list', () => {
    expect(modelProblems(null)).toEqual(['the file: must be a mapping with a models list, like "models: [...]"']);
    expect(modelProblems([])).toEqual(['the file: must be a mapping with a models list, like "models: [...]"']);
    expect(modelProblems({})).toEqual(['models: is missing: give a list of models (it may be empty)']);
    expect(modelProblems({ models: [], default: 'no spaces please' })).toEqual(['default: must be a name of 1–100 letters, digits, dots, dashes or underscores']);
  });

  it('refuses unknown keys one by one, at every level, naming the allowed ones', () => {
    expect(modelProblems({ model: [], models: [{ name: 'm', aliasses: ['x'], providers: { nbapi: { id: {}, ids: { '1K': 'm' } }, dalle: {} } }] })).toEqual([
      'model: is not a known key: the file takes default and models',
      'models[0].providers.nbapi.id: is not a known key: an offer takes ids, prices and ratios',
      'models[0].providers.dalle: is not a known key: providers are nbpro, nbapi, offline',
      'models[0].aliasses: is not a known key: a model takes name, aliases, deprecated, use and providers',
    ]);
  });

  it('takes at most 200 models', () => {
    const models = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, aliases: [`a${i}`] }));
    expect(parseModelsFile({ models: models(200) }).models).toHaveLength(200);
    expect(modelProblems({ models: models(201) })).toEqual(['models: must list at most 200 models']);
  });

  describe('names and aliases', () => {
    it('are 1–100 letters, digits, dots, dashes or underscores', () => {
      expect(parseModelsFile({ models: [{ name: `A.b_c-${'x'.repeat(94)}`, aliases: ['Z9'] }] }).models[0]!.name).toHaveLength(100);
      const rule = 'must be a name of 1–100 letters, digits, dots, dashes or underscores';
      expect(entryProblems({ name: 'has space', aliases: ['', 'x'.repeat(101), 'ok2', 5] })).toEqual([
        `models[1].name: ${rule}`,
        `models[1].aliases[0]: ${rule}`,
        `models[1].aliases[1]: ${rule}`,
        `models[1].aliases[3]: ${rule}`,
      ]);
      expect(entryProblems({ aliases: ['x'] })).toEqual(['models[1].name: is missing: every model needs a name']);
      expect(entryProblems('gemini')).toEqual(['models[1]: must be a mapping with at least a name']);
    });

    it('are unique across the file, ignoring case, each repeat pointing at the first', () => {
      expect(modelProblems({ models: [{ name: 'Alpha', aliases: ['a1', 'A1'] }, { name: 'alpha', aliases: ['OK'] }, { name: 'beta', aliases: ['a1'] }] })).toEqual([
        'models[0].aliases[1]: A1 is already given at models[0].aliases[0]: each name and alias may appear once, ignoring case',
        'models[1].name: alpha is already given at models[0].name: each name and alias may appear once, ignoring case',
        'models[2].aliases[0]: a1 is already given at models[0].aliases[0]: each name and alias may appear once, ignoring case',
      ]);
    });

    it('are reported as repeats alongside other problems', () => {
      expect(modelProblems({ models: [{ name: 'x', aliases: ['y'] }, { name: 'X', aliases: ['z'], providers: { nbapi: { ids: {} } } }] })).toEqual([
        "models[1].providers.nbapi.ids: lists no resolution: give the provider's model id for at least one of 512, 1K, 2K, 4K",
        'models[1].name: X is already given at models[0].name: each name and alias may appear once, ignoring case',
      ]);
    });
  });

  describe('deprecated and use', () => {
    it('deprecated is a real calendar date YYYY-MM-DD', () => {
      expect(parseModelsFile({ models: [{ name: 'old', deprecated: '2028-02-29', use: 'new' }] }).models[0]!.deprecated).toBe('2028-02-29');
      const rule = 'models[1].deprecated: must be a date YYYY-MM-DD, like 2026-06-25';
      for (const bad of ['2026-02-29', '2026-13-01', '2026-06-31', '2026-6-25', '25.06.2026', '2026-06-25T00:00:00Z', 20260625]) {
        expect(entryProblems({ name: 'old', deprecated: bad, use: 'new' })).toEqual([rule]);
      }
    });

    it('go together', () => {
      expect(entryProblems({ name: 'old', deprecated: '2026-06-25' })).toEqual(['models[1].deprecated: needs use: the model that serves its requests from that date']);
      expect(entryProblems({ name: 'old', use: 'new' })).toEqual(['models[1].use: needs deprecated: the date (YYYY-MM-DD) from which use serves its requests']);
    });

    it('use names another model, not the entry itself', () => {
      const itself = 'models[1].use: names the model itself: give the model that succeeds it';
      expect(entryProblems({ name: 'old', deprecated: '2026-06-25', use: 'OLD' })).toEqual([itself]);
      expect(entryProblems({ name: 'old', aliases: ['legacy'], deprecated: '2026-06-25', use: 'legacy' })).toEqual([itself]);
      expect(entryProblems({ name: 'old', deprecated: '2026-06-25', use: 'a b' })).toEqual(['models[1].use: must be a name of 1–100 letters, digits, dots, dashes or underscores']);
    });
  });

  it('refuses an entry that says nothing, or lists no provider', () => {
    expect(entryProblems({ name: 'lonely' })).toEqual(['models[1]: says nothing about lonely: give it providers, aliases, or deprecated with use']);
    expect(entryProblems({ name: 'm', providers: {} })).toEqual(['models[1].providers: lists no provider: give nbpro, nbapi or offline with its ids, or leave it out']);
    expect(entryProblems({ name: 'm', providers: 'nbapi' })).toEqual(['models[1].providers: must be a mapping of provider (nbpro, nbapi, offline) to its offer']);
  });

  describe('offers', () => {
    it('ids: resolutions 512, 1K, 2K, 4K only, at least one, each a provider model id', () => {
      expect(entryProblems(offerOf({ prices: { '1K': 1 } }))).toEqual([
        "models[1].providers.nbapi.ids: is missing: give the provider's model id for each resolution offered, like ids: { 1K: ..., 2K: ... }",
      ]);
      expect(entryProblems(offerOf({ ids: {} }))).toEqual(["models[1].providers.nbapi.ids: lists no resolution: give the provider's model id for at least one of 512, 1K, 2K, 4K"]);
      expect(entryProblems(offerOf({ ids: { '1K': 'm', '1k': 'm', '8K': 'm' } }))).toEqual([
        'models[1].providers.nbapi.ids.1k: is not a known key: resolutions are 512, 1K, 2K, 4K (capital K)',
        'models[1].providers.nbapi.ids.8K: is not a known key: resolutions are 512, 1K, 2K, 4K (capital K)',
      ]);
      expect(entryProblems(offerOf({ ids: { '512': '', '1K': 7, '2K': 'a b', '4K': 'x'.repeat(201) } }))).toEqual([
        "models[1].providers.nbapi.ids.512: must be the provider's model id, not empty",
        "models[1].providers.nbapi.ids.1K: must be the provider's model id, as text",
        "models[1].providers.nbapi.ids.2K: must be the provider's model id, without spaces",
        'models[1].providers.nbapi.ids.4K: must be at most 200 characters',
      ]);
    });

    it('prices: whole credits from 0 to 1,000,000, only for offered resolutions', () => {
      const ids = { '1K': 'm', '2K': 'm-2k', '4K': 'm-4k' };
      expect(parseModelsFile({ models: [offerOf({ ids, prices: { '1K': 0, '4K': 1_000_000 } })] }).models[0]!.providers!.nbapi!.prices).toEqual({ '1K': 0, '4K': 1_000_000 });
      expect(entryProblems(offerOf({ ids, prices: { '1K': -1, '2K': 1.5, '4K': 1_000_001 } }))).toEqual([
        'models[1].providers.nbapi.prices.1K: cannot be negative',
        'models[1].providers.nbapi.prices.2K: must be a whole number of credits',
        'models[1].providers.nbapi.prices.4K: must be at most 1,000,000',
      ]);
      expect(entryProblems(offerOf({ ids, prices: { '2K': '8' } }))).toEqual(['models[1].providers.nbapi.prices.2K: must be a whole number of credits']);
      expect(entryProblems(offerOf({ ids: { '1K': 'm' }, prices: { '1K': 4, '512': 2 } }))).toEqual([
        'models[1].providers.nbapi.prices.512: prices a resolution the offer has no id for: add ids.512, or remove this price',
      ]);
    });

    it('ratios: W:H, each once, at least one when given', () => {
      const ids = { '1K': 'm' };
      expect(entryProblems(offerOf({ ids, ratios: ['16:9', '1:1', '16:9', '0:1', '100:1', '16/9', 169] }))).toEqual([
        'models[1].providers.nbapi.ratios[3]: must be an aspect ratio W:H like 16:9, each side 1–99',
        'models[1].providers.nbapi.ratios[4]: must be an aspect ratio W:H like 16:9, each side 1–99',
        'models[1].providers.nbapi.ratios[5]: must be an aspect ratio W:H like 16:9, each side 1–99',
        'models[1].providers.nbapi.ratios[6]: must be an aspect ratio like "16:9", as text',
        'models[1].providers.nbapi.ratios[2]: repeats 16:9: list each ratio once',
      ]);
      expect(entryProblems(offerOf({ ids, ratios: [] }))).toEqual(["models[1].providers.nbapi.ratios: lists no ratio: leave it out for the provider's standard ratios"]);
      expect(entryProblems(offerOf({ ids, ratios: '16:9' }))).toEqual(['models[1].providers.nbapi.ratios: must be a list of aspect ratios like ["1:1", "16:9"]']);
    });
  });

  it('checks how an entry agrees with itself even when a value in it has the wrong type', () => {
    expect(entryProblems({ name: 7, deprecated: '2026-06-25', providers: { nbapi: { ids: { '1K': 5 }, prices: { '2K': 'x' }, ratios: [1, '1:1', '1:1'] } } })).toEqual([
      'models[1].name: must be a name of 1–100 letters, digits, dots, dashes or underscores',
      "models[1].providers.nbapi.ids.1K: must be the provider's model id, as text",
      'models[1].providers.nbapi.prices.2K: must be a whole number of credits',
      'models[1].providers.nbapi.ratios[0]: must be an aspect ratio like "16:9", as text',
      'models[1].deprecated: needs use: the model that serves its requests from that date',
      'models[1].providers.nbapi.prices.2K: prices a resolution the offer has no id for: add ids.2K, or remove this price',
      'models[1].providers.nbapi.ratios[2]: repeats 1:1: list each ratio once',
    ]);
  });

  it('lists every problem of every entry at once', () => {
    const list = modelProblems({
      models: [
        { name: 'a', deprecated: '2026-02-30', use: 'b' },
        { name: 'b', providers: { nbapi: { ids: { '4K': 'b-4k' }, prices: { '1K': 3 } }, offline: { ids: { '1K': 'o' }, ratios: ['1:1', '1:1'] } } },
        { name: 'A' },
      ],
    });
    expect(list).toEqual([
      'models[0].deprecated: must be a date YYYY-MM-DD, like 2026-06-25',
      'models[1].providers.nbapi.prices.1K: prices a resolution the offer has no id for: add ids.1K, or remove this price',
      'models[1].providers.offline.ratios[1]: repeats 1:1: list each ratio once',
      'models[2]: says nothing about A: give it providers, aliases, or deprecated with use',
      'models[2].name: A is already given at models[0].name: each name and alias may appear once, ignoring case',
    ]);
  });
});

describe('parsePricesFile', () => {
  it("accepts today's PRICES_FILE format, and any provider's keys (the builder checks them)", () => {
    const prices = parsePricesFile({ nbpro: { '1K': 5 }, nbapi: { 'gemini-2.5-flash-image': 3, 'gemini-3-pro-image-4k': 16 }, offline: { '512': 0 } });
    expect(prices).toEqual({ nbpro: { '1K': 5 }, nbapi: { 'gemini-2.5-flash-image': 3, 'gemini-3-pro-image-4k': 16 }, offline: { '512': 0 } });
    expect(Object.isFrozen(prices)).toBe(true);
    expect(Object.isFrozen(prices.nbapi)).toBe(true);
    expect(parsePricesFile({})).toEqual({});
  });

  it('refuses unknown providers and prices that are not whole credits, every one, coded prices_invalid', () => {
    const value = { nbpro: { '1K': -5, '2K': 2.5, '': 1 }, nbapi: 'cheap', dalle: { x: 1 } };
    expect(problems(parsePricesFile, value)).toEqual([
      'nbpro.1K: cannot be negative',
      'nbpro.2K: must be a whole number of credits',
      'nbpro[""]: is an empty key: give a resolution or model id',
      'nbapi: must be a mapping of resolution or model id to credits',
      'dalle: is not a known key: providers are nbpro, nbapi, offline',
    ]);
    expect(problems(parsePricesFile, { nbpro: { '4K': 1_000_001 } })).toEqual(['nbpro.4K: must be at most 1,000,000']);
    expect(problems(parsePricesFile, [])).toEqual(['the file: must be a mapping of provider (nbpro, nbapi, offline) to its prices, like {"nbpro": {"1K": 4}}']);
    expect(() => parsePricesFile(null)).toThrow(expect.objectContaining({ code: 'prices_invalid' }));
  });
});
