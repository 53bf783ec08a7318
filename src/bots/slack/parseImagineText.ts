import { catalogRatios, catalogResolutions } from '../../core/catalog/offered.js';
import type { Catalog } from '../../core/catalog/types.js';
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
 * Splits `/imagine <prompt> [--ar 16:9] [--res 2K] [--model NAME] [--n 2]` into the prompt and the
 * options. It only tokenises: an unknown, repeated or empty flag gets the usage text; whether a
 * model, ratio, resolution or count is allowed is the core's to say (`resolveRequest`).
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
  const options: { aspectRatio?: string; resolution?: string; model?: string; count?: number } = {};
  if (values.model !== undefined) options.model = values.model;
  if (values.ar !== undefined) options.aspectRatio = values.ar;
  if (values.res !== undefined) options.resolution = values.res;
  // Not a number at all (NaN) is refused by the core like any count outside its range.
  if (values.n !== undefined) options.count = Number(values.n);
  return { ok: true, prompt: words.join(' '), options };
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
  return { ok: false, message: withUsage(catalog, problem) };
}

/** A problem with the command, followed by the usage text. */
export function withUsage(catalog: Catalog, problem: string): string {
  return `${problem}\n${imagineUsage(catalog)}`;
}
