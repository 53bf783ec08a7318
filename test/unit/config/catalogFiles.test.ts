import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelsFile, readPricesFile } from '../../../src/app/catalogFiles.js';
import { ConfigError } from '../../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ni-catalog-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const YAML = `# a successor, and the preview it replaces
models:
  - name: gemini-3-pro-image
    aliases: [nano-banana-pro]
    providers:
      nbapi:
        ids: { 1K: gemini-3-pro-image, 2K: gemini-3-pro-image-2k }
        prices: { 1K: 8, 2K: 8 }
        ratios: [1:1, 16:9]
  - name: gemini-3-pro-image-preview
    deprecated: 2026-06-25
    use: gemini-3-pro-image
`;
const PARSED = {
  models: [
    {
      name: 'gemini-3-pro-image',
      aliases: ['nano-banana-pro'],
      providers: { nbapi: { ids: { '1K': 'gemini-3-pro-image', '2K': 'gemini-3-pro-image-2k' }, prices: { '1K': 8, '2K': 8 }, ratios: ['1:1', '16:9'] } },
    },
    { name: 'gemini-3-pro-image-preview', deprecated: '2026-06-25', use: 'gemini-3-pro-image' },
  ],
};

describe('readModelsFile', () => {
  it('reads YAML as YAML 1.2: an unquoted date and unquoted ratios stay strings', () => {
    const models = readModelsFile(file('models.yaml', YAML));
    expect(models).toEqual(PARSED);
    expect(typeof models.models[1]!.deprecated).toBe('string');
    expect(readModelsFile(file('models.yml', YAML))).toEqual(PARSED);
  });

  it('reads JSON, a byte-order mark included', () => {
    expect(readModelsFile(file('models.json', `\uFEFF${JSON.stringify(PARSED, null, 2)}`))).toEqual(PARSED);
  });

  it('tries JSON, then YAML, for any other name', () => {
    expect(readModelsFile(file('models.conf', JSON.stringify(PARSED)))).toEqual(PARSED);
    expect(readModelsFile(file('models', YAML))).toEqual(PARSED);
    expect(problems(() => readModelsFile(file('broken.conf', 'models: [\n')))).toEqual([expect.stringMatching(/^MODELS_FILE .*broken\.conf: is neither JSON nor valid YAML at line 2, column 1 \(/)]);
  });

  it('names the line and column of a YAML syntax error, every one', () => {
    const tab = file('tab.yaml', 'models:\n  - name: a\n\tuse: b\n');
    expect(problems(() => readModelsFile(tab))).toEqual([`MODELS_FILE ${tab}: is not valid YAML at line 3, column 1 (Tabs are not allowed as indentation): fix the syntax.`]);
    const indented = file('indented.yaml', 'models:\n  - name: a\n     use: b\n');
    expect(problems(() => readModelsFile(indented))).toEqual([
      `MODELS_FILE ${indented}: is not valid YAML at line 2, column 11 (Nested mappings are not allowed in compact mappings): fix the syntax.`,
      `MODELS_FILE ${indented}: is not valid YAML at line 2, column 11 (Implicit keys need to be on a single line): fix the syntax.`,
    ]);
  });

  it('refuses a key given twice in YAML, where it would otherwise override silently', () => {
    const path = file('twice.yaml', 'models: []\nmodels: []\n');
    expect(problems(() => readModelsFile(path))).toEqual([`MODELS_FILE ${path}: is not valid YAML at line 2, column 1 (Map keys must be unique): fix the syntax.`]);
  });

  it('names the line and column of a JSON syntax error', () => {
    const path = file('bad.json', '{\n  "models": [\n    {"name": "a",}\n  ]\n}\n');
    expect(problems(() => readModelsFile(path))).toEqual([`MODELS_FILE ${path}: is not valid JSON at line 3, column 18 (Expected double-quoted property name): fix the syntax.`]);
  });

  it('lists every validation problem, each with its place in the file', () => {
    const path = file('invalid.yaml', 'models:\n  - name: a\n    deprecated: 2026-02-30\n    use: b\n  - name: b\n    providers:\n      nbapi:\n        ids: { 8K: b-8k }\n');
    expect(problems(() => readModelsFile(path))).toEqual([
      `MODELS_FILE ${path}: models[0].deprecated: must be a date YYYY-MM-DD, like 2026-06-25.`,
      `MODELS_FILE ${path}: models[1].providers.nbapi.ids.8K: is not a known key: resolutions are 512, 1K, 2K, 4K (capital K).`,
      `MODELS_FILE ${path}: models[1].providers.nbapi.ids: lists no resolution: give the provider's model id for at least one of 512, 1K, 2K, 4K.`,
    ]);
  });

  it('says so when the file cannot be read', () => {
    const missing = join(dir, 'nope.yaml');
    expect(problems(() => readModelsFile(missing))).toEqual([`MODELS_FILE ${missing} cannot be read (ENOENT): fix the path or its permissions, or unset MODELS_FILE.`]);
    expect(problems(() => readModelsFile(dir))).toEqual([`MODELS_FILE ${dir} cannot be read (EISDIR): fix the path or its permissions, or unset MODELS_FILE.`]);
  });

  it('reads an empty YAML file as nothing, and says what the file needs', () => {
    const path = file('empty.yaml', '# nothing yet\n');
    expect(problems(() => readModelsFile(path))).toEqual([`MODELS_FILE ${path}: the file: must be a mapping with a models list, like "models: [...]".`]);
  });

  it('reads models.example.yaml: both successors, their deprecated previews and the aliases', () => {
    const example = readModelsFile(join(import.meta.dirname, '../../../models.example.yaml'));
    const byName = new Map(example.models.map((m) => [m.name, m]));
    expect(byName.get('gemini-3-pro-image')?.providers?.nbapi).toEqual({
      ids: { '1K': 'gemini-3-pro-image', '2K': 'gemini-3-pro-image-2k', '4K': 'gemini-3-pro-image-4k' },
      prices: { '1K': 8, '2K': 8, '4K': 16 },
    });
    expect(byName.get('gemini-3-pro-image-preview')).toEqual({ name: 'gemini-3-pro-image-preview', deprecated: '2026-06-25', use: 'gemini-3-pro-image' });
    const flash = byName.get('gemini-3.1-flash-image')?.providers;
    expect(flash?.nbapi).toMatchObject({
      ids: { '512': 'gemini-3.1-flash-image-512', '1K': 'gemini-3.1-flash-image', '2K': 'gemini-3.1-flash-image-2k', '4K': 'gemini-3.1-flash-image-4k' },
      prices: { '512': 4, '1K': 4, '2K': 6, '4K': 8 },
    });
    expect(flash?.nbpro).toEqual({ ids: { '1K': 'nano-banana-2', '2K': 'nano-banana-2', '4K': 'nano-banana-2' } });
    expect(byName.get('gemini-3.1-flash-image-preview')).toEqual({ name: 'gemini-3.1-flash-image-preview', deprecated: '2026-06-25', use: 'gemini-3.1-flash-image' });
    expect(example.models.flatMap((m) => m.aliases ?? [])).toEqual(['nano-banana-pro', 'nano-banana']);
  });
});

describe('readPricesFile', () => {
  it("reads today's JSON format, and the same in YAML", () => {
    const today = { nbpro: { '1K': 5 }, nbapi: { 'gemini-2.5-flash-image': 3 } };
    expect(readPricesFile(file('prices.json', JSON.stringify(today)))).toEqual(today);
    expect(readPricesFile(file('prices.yaml', 'nbpro:\n  1K: 5\nnbapi:\n  gemini-2.5-flash-image: 3\n'))).toEqual(today);
  });

  it('lists every problem under PRICES_FILE', () => {
    const path = file('bad-prices.json', JSON.stringify({ nbpro: { '1K': -1 }, dalle: {} }));
    expect(problems(() => readPricesFile(path))).toEqual([
      `PRICES_FILE ${path}: nbpro.1K: cannot be negative.`,
      `PRICES_FILE ${path}: dalle: is not a known key: providers are nbpro, nbapi, offline.`,
    ]);
  });
});
