import { catalogRatios, catalogResolutions, modelResolutions } from '../../core/catalog/offered.js';
import type { Catalog, CatalogModel } from '../../core/catalog/types.js';
import type { GenerationOptions } from '../../core/generation/types.js';

/** `/imagine` flags, by name and alias. */
const FLAGS = {
  ar: 'ar',
  aspect: 'ar',
  ratio: 'ar',
  res: 'res',
  resolution: 'res',
  model: 'model',
  n: 'n',
  count: 'n',
} as const satisfies Record<string, 'ar' | 'res' | 'model' | 'n'>;
type Flag = (typeof FLAGS)[keyof typeof FLAGS];

export type ParsedImagine =
  | { readonly ok: true; readonly prompt: string; readonly options: GenerationOptions }
  | { readonly ok: false; readonly message: string };

// Slack's smart punctuation turns "--" into an em or en dash on some clients.
const FLAG_TOKEN = /^(?:--|—|–)([a-z]+)(?:=(.*))?$/i;

/**
 * Parses `/imagine <prompt> [--ar 16:9] [--res 2K] [--model NAME] [--n 2]` against the catalog, so
 * an unknown flag or value gets a usage message that lists what is allowed. Pricing and the final
 * validation stay in the core.
 */
export function parseImagineText(text: string, catalog: Catalog): ParsedImagine {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const words: string[] = [];
  const values: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const match = FLAG_TOKEN.exec(token);
    if (!match) {
      words.push(token);
      continue;
    }
    const name = match[1]!.toLowerCase();
    const flag = (FLAGS as Record<string, Flag | undefined>)[name];
    if (!flag) return usage(catalog, `Unknown option \`--${name}\`.`);
    if (values[flag] !== undefined) return usage(catalog, `\`--${flag}\` is given twice.`);
    const value = match[2] ?? tokens[(i += 1)];
    if (value === undefined || value === '' || FLAG_TOKEN.test(value)) return usage(catalog, `\`--${flag}\` needs a value.`);
    values[flag] = value;
  }
  const prompt = words.join(' ');
  if (prompt === '') return usage(catalog, 'Say what to draw.');

  let model: CatalogModel | undefined;
  if (values.model !== undefined) {
    model = catalog.models.find((m) => m.name.toLowerCase() === values.model!.toLowerCase());
    if (!model) return usage(catalog, `Unknown model \`${values.model}\`.`);
  }
  const options: { aspectRatio?: string; resolution?: string; model?: string; count?: number } = {};
  if (model) options.model = model.name;
  if (values.ar !== undefined) {
    const allowed = model ? model.aspectRatios : catalogRatios(catalog);
    if (!allowed.includes(values.ar)) return usage(catalog, `\`${values.ar}\` is not an aspect ratio ${model ? model.name : 'this bot'} offers.`);
    options.aspectRatio = values.ar;
  }
  if (values.res !== undefined) {
    const wanted = values.res.toUpperCase();
    const allowed = model ? modelResolutions(model) : catalogResolutions(catalog);
    const found = allowed.find((r) => r === wanted);
    if (!found) return usage(catalog, `\`${values.res}\` is not a resolution ${model ? model.name : 'this bot'} offers.`);
    options.resolution = found;
  }
  if (values.n !== undefined) {
    const count = Number(values.n);
    if (!/^\d+$/.test(values.n) || count < 1 || count > catalog.maxCount) {
      return usage(catalog, `\`--n\` must be a whole number from 1 to ${catalog.maxCount}.`);
    }
    options.count = count;
  }
  return { ok: true, prompt, options };
}

/** The `/imagine` usage text, listing the values this catalog allows. */
export function imagineUsage(catalog: Catalog): string {
  return [
    'Usage: `/imagine <prompt> [--ar RATIO] [--res RESOLUTION] [--model NAME] [--n COUNT]`',
    `• \`--ar\`: ${catalogRatios(catalog).join(', ')} (default ${catalog.defaultAspectRatio})`,
    `• \`--res\`: ${catalogResolutions(catalog).join(', ')} (default ${catalog.defaultResolution})`,
    `• \`--model\`: ${catalog.models.map((m) => m.name).join(', ')} (default ${catalog.defaultModel})`,
    `• \`--n\`: 1–${catalog.maxCount} images (default 1)`,
    'Example: `/imagine a koi pond at dawn --ar 16:9 --res 2K`',
  ].join('\n');
}

function usage(catalog: Catalog, problem: string): ParsedImagine {
  return { ok: false, message: `${problem}\n${imagineUsage(catalog)}` };
}
