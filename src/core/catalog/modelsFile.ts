import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ProviderId, Resolution } from '../vocabulary.js';

/**
 * The operator's `MODELS_FILE` (and `PRICES_FILE`) after parsing, before the catalog builder
 * merges it with the built-in models. Only shape and self-consistency are checked here; whether a
 * name, a `use` or a price key matches a built-in model is the builder's to say, as only it knows
 * them. Pure: the app reads the file and hands over the parsed value.
 */

/** One provider's offer of a model. */
export interface OfferEntry {
  /** Provider model id per resolution ('512' | '1K' | '2K' | '4K'); the resolutions it offers. */
  readonly ids: Partial<Record<Resolution, string>>;
  /** Credits per image per resolution; a resolution left out is priced by PRICES_FILE or the defaults. */
  readonly prices?: Partial<Record<Resolution, number>>;
  /** Aspect ratios it accepts ("W:H"); left out: the provider's standard ratios. */
  readonly ratios?: readonly string[];
}

export interface ModelEntry {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** ISO date (YYYY-MM-DD) from which requests for this model are served by `use`. */
  readonly deprecated?: string;
  readonly use?: string;
  readonly providers?: Partial<Record<ProviderId, OfferEntry>>;
}

export interface ModelsFile {
  readonly default?: string;
  readonly models: readonly ModelEntry[];
}

/** Credits per image, per provider: nbpro and offline by resolution, nbapi by model id. */
export type PricesFile = Partial<Record<ProviderId, Readonly<Record<string, number>>>>;

/** A models or prices file that cannot be used; `problems` lists every one as `path: what to do`. */
export class CatalogFileError extends ValidationError {
  readonly problems: readonly string[];

  constructor(code: 'models_invalid' | 'prices_invalid', problems: readonly string[]) {
    super(`${code === 'models_invalid' ? 'Invalid models file' : 'Invalid prices file'}: ${problems.join('; ')}`, { code });
    this.problems = problems;
  }
}

/** Far more than any provider offers: a bound, so that a generated or pasted file cannot grow without limit. */
const MAX_MODELS = 200;
const MAX_PRICE = 1_000_000;
const MAX_ID_LENGTH = 200;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const RESOLUTION_KEYS = ['512', '1K', '2K', '4K'] as const satisfies readonly Resolution[];
const PROVIDER_KEYS = ['nbpro', 'nbapi', 'offline'] as const satisfies readonly ProviderId[];

const NAME_RULE = 'must be a name of 1–100 letters, digits, dots, dashes or underscores';
/** The message of a required field that is missing, or of a value of the wrong kind. */
const typeError = (wrongType: string, missing = wrongType) => (issue: { input?: unknown }) => (issue.input === undefined ? missing : wrongType);
/** A strict mapping: its unknown keys are refused one by one (a typo must not pass silently), naming the allowed ones. */
const strictMapping = <T extends z.core.$ZodLooseShape>(shape: T, keysHint: string, wrongType = 'must be a mapping', missing = wrongType) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `is not a known key: ${keysHint}` : typeError(wrongType, missing)(issue)) });

const name = z.string({ error: typeError(NAME_RULE, 'is missing: every model needs a name') }).regex(NAME, NAME_RULE);
const price = z
  .number({ error: 'must be a whole number of credits' })
  .int('must be a whole number of credits')
  .min(0, 'cannot be negative')
  .max(MAX_PRICE, `must be at most ${MAX_PRICE.toLocaleString('en-US')}`);
const providerModelId = z
  .string({ error: "must be the provider's model id, as text" })
  .min(1, "must be the provider's model id, not empty")
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .regex(/^\S*$/, "must be the provider's model id, without spaces");
const ratio = z.string({ error: 'must be an aspect ratio like "16:9", as text' }).refine((s) => {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(s);
  return match !== null && Number(match[1]) > 0 && Number(match[2]) > 0;
}, 'must be an aspect ratio W:H like 16:9, each side 1–99');

/** Whether `s` is YYYY-MM-DD and that day exists (no 2026-02-30). */
function isCalendarDate(s: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
const DATE_RULE = 'must be a date YYYY-MM-DD, like 2026-06-25';
const date = z.string({ error: DATE_RULE }).refine(isCalendarDate, DATE_RULE);

const perResolution = <T extends z.ZodType>(value: T, what: string, missing?: string) =>
  strictMapping(
    Object.fromEntries(RESOLUTION_KEYS.map((r) => [r, value.optional()])) as Record<Resolution, z.ZodOptional<T>>,
    `resolutions are ${RESOLUTION_KEYS.join(', ')} (capital K)`,
    `must be a mapping of resolution (${RESOLUTION_KEYS.join(', ')}) to ${what}`,
    missing,
  );

const offer = strictMapping(
  {
    ids: perResolution(providerModelId, "provider's model id", "is missing: give the provider's model id for each resolution offered, like ids: { 1K: ..., 2K: ... }"),
    prices: perResolution(price, 'credits per image').optional(),
    ratios: z.array(ratio, { error: 'must be a list of aspect ratios like ["1:1", "16:9"]' }).optional(),
  },
  'an offer takes ids, prices and ratios',
);

const providers = strictMapping(
  Object.fromEntries(PROVIDER_KEYS.map((p) => [p, offer.optional()])) as Record<ProviderId, z.ZodOptional<typeof offer>>,
  `providers are ${PROVIDER_KEYS.join(', ')}`,
  'must be a mapping of provider (nbpro, nbapi, offline) to its offer',
);

const entry = strictMapping(
  {
    name,
    aliases: z.array(name, { error: 'must be a list of names' }).optional(),
    deprecated: date.optional(),
    use: name.optional(),
    providers: providers.optional(),
  },
  'a model takes name, aliases, deprecated, use and providers',
  'must be a mapping with at least a name',
);

const modelsFileSchema = strictMapping(
  {
    default: name.optional(),
    models: z
      .array(entry, { error: typeError('must be a list of models', 'is missing: give a list of models (it may be empty)') })
      .max(MAX_MODELS, `must list at most ${MAX_MODELS} models`),
  },
  'the file takes default and models',
  'must be a mapping with a models list, like "models: [...]"',
);

const pricesFileSchema = strictMapping(
  Object.fromEntries(
    PROVIDER_KEYS.map((p) => [
      p,
      z
        .record(z.string().min(1), price, {
          error: (issue) => (issue.code === 'invalid_key' ? 'is an empty key: give a resolution or model id' : 'must be a mapping of resolution or model id to credits'),
        })
        .optional(),
    ]),
  ) as Record<ProviderId, z.ZodOptional<z.ZodRecord<z.ZodString, typeof price>>>,
  `providers are ${PROVIDER_KEYS.join(', ')}`,
  'must be a mapping of provider (nbpro, nbapi, offline) to its prices, like {"nbpro": {"1K": 4}}',
);

/**
 * Validates a parsed `MODELS_FILE`.
 * @throws CatalogFileError (a ValidationError, code `models_invalid`) listing every problem, each as
 *   `models[2].providers.nbapi.ids.4K: what to do`, grouped by entry.
 */
export function parseModelsFile(value: unknown): ModelsFile {
  const parsed = modelsFileSchema.safeParse(value);
  const problems = [...(parsed.success ? [] : problemsOf(parsed.error)), ...consistencyProblems(value)];
  if (!parsed.success || problems.length > 0) throw new CatalogFileError('models_invalid', byEntry(problems).map(formatProblem));
  const { default: defaultModel, models } = parsed.data;
  return Object.freeze({ ...(defaultModel === undefined ? {} : { default: defaultModel }), models: Object.freeze(models.map(freezeEntry)) });
}

/**
 * Validates a parsed `PRICES_FILE`: credits per image per provider. Whether each key is a resolution
 * or model id the provider offers is the catalog builder's to check.
 * @throws CatalogFileError (a ValidationError, code `prices_invalid`) listing every problem.
 */
export function parsePricesFile(value: unknown): PricesFile {
  const parsed = pricesFileSchema.safeParse(value);
  if (!parsed.success) throw new CatalogFileError('prices_invalid', problemsOf(parsed.error).map(formatProblem));
  const out: Partial<Record<ProviderId, Readonly<Record<string, number>>>> = {};
  for (const p of PROVIDER_KEYS) {
    const row = parsed.data[p];
    if (row !== undefined) out[p] = Object.freeze({ ...row });
  }
  return Object.freeze(out);
}

interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One problem per schema issue, and per unknown key. */
function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: [...issue.path, key], message: issue.message })) : [{ path: issue.path, message: issue.message }],
  );
}

/**
 * How the parts of the file agree with each other. Checked on the raw value, part by part, so that
 * these are listed alongside the schema's problems rather than after they are fixed: each check
 * looks only at the values it needs, and only when they have the right type.
 */
function consistencyProblems(value: unknown): Problem[] {
  if (!isRecord(value) || !Array.isArray(value.models)) return [];
  const models: unknown[] = value.models;
  return [...models.flatMap((m, i) => (isRecord(m) ? entryProblems(m, ['models', i]) : [])), ...repeatedNames(models)];
}

function entryProblems(m: Record<string, unknown>, at: readonly PropertyKey[]): Problem[] {
  const out: Problem[] = [];
  if (m.deprecated !== undefined && m.use === undefined) out.push({ path: [...at, 'deprecated'], message: 'needs use: the model that serves its requests from that date' });
  if (m.use !== undefined && m.deprecated === undefined) out.push({ path: [...at, 'use'], message: 'needs deprecated: the date (YYYY-MM-DD) from which use serves its requests' });
  const own = [m.name, ...(Array.isArray(m.aliases) ? (m.aliases as unknown[]) : [])].filter((n) => typeof n === 'string').map((n) => n.toLowerCase());
  if (typeof m.use === 'string' && own.includes(m.use.toLowerCase())) out.push({ path: [...at, 'use'], message: 'names the model itself: give the model that succeeds it' });
  const offers = m.providers;
  if (isRecord(offers)) {
    if (PROVIDER_KEYS.every((p) => offers[p] === undefined)) out.push({ path: [...at, 'providers'], message: 'lists no provider: give nbpro, nbapi or offline with its ids, or leave it out' });
    for (const p of PROVIDER_KEYS) {
      const o = offers[p];
      if (isRecord(o)) out.push(...offerProblems(o, [...at, 'providers', p]));
    }
  }
  if (['aliases', 'deprecated', 'use', 'providers'].every((k) => m[k] === undefined)) {
    const what = typeof m.name === 'string' ? ` about ${m.name}` : '';
    out.push({ path: at, message: `says nothing${what}: give it providers, aliases, or deprecated with use` });
  }
  return out;
}

function offerProblems(o: Record<string, unknown>, at: readonly PropertyKey[]): Problem[] {
  const out: Problem[] = [];
  const ids = o.ids;
  if (isRecord(ids)) {
    const offered = RESOLUTION_KEYS.filter((r) => ids[r] !== undefined);
    if (offered.length === 0) out.push({ path: [...at, 'ids'], message: `lists no resolution: give the provider's model id for at least one of ${RESOLUTION_KEYS.join(', ')}` });
    if (isRecord(o.prices)) {
      for (const r of RESOLUTION_KEYS.filter((r) => isRecord(o.prices) && o.prices[r] !== undefined && !offered.includes(r))) {
        out.push({ path: [...at, 'prices', r], message: `prices a resolution the offer has no id for: add ids.${r}, or remove this price` });
      }
    }
  }
  if (Array.isArray(o.ratios)) {
    const ratios: unknown[] = o.ratios;
    if (ratios.length === 0) out.push({ path: [...at, 'ratios'], message: "lists no ratio: leave it out for the provider's standard ratios" });
    ratios.forEach((r, i) => {
      if (typeof r === 'string' && ratios.indexOf(r) !== i) out.push({ path: [...at, 'ratios', i], message: `repeats ${r}: list each ratio once` });
    });
  }
  return out;
}

/**
 * Names and aliases used twice in the file, ignoring case (a user typing either must reach one
 * model); each repeat points at the first.
 */
function repeatedNames(models: readonly unknown[]): Problem[] {
  const firstSeen = new Map<string, string>();
  const out: Problem[] = [];
  models.forEach((model, i) => {
    if (!isRecord(model)) return;
    const aliases = Array.isArray(model.aliases) ? (model.aliases as unknown[]) : [];
    const names: [PropertyKey[], unknown][] = [[['models', i, 'name'], model.name], ...aliases.map((a, j): [PropertyKey[], unknown] => [['models', i, 'aliases', j], a])];
    for (const [path, n] of names) {
      if (typeof n !== 'string' || !NAME.test(n)) continue;
      const first = firstSeen.get(n.toLowerCase());
      if (first === undefined) firstSeen.set(n.toLowerCase(), pathOf(path));
      else out.push({ path, message: `${n} is already given at ${first}: each name and alias may appear once, ignoring case` });
    }
  });
  return out;
}

/** The file's own keys first, then each entry's problems together, in entry order (stable within). */
function byEntry(problems: readonly Problem[]): Problem[] {
  const entry = (p: Problem) => (p.path[0] === 'models' && typeof p.path[1] === 'number' ? p.path[1] : -1);
  return [...problems].sort((a, b) => entry(a) - entry(b));
}

const formatProblem = (p: Problem) => `${pathOf(p.path)}: ${p.message}`;

/** `models[2].providers.nbapi.ids.4K`; a key with unusual characters is quoted: `prices["1 K"]`. */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the file';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = String(part);
      if (!/^[A-Za-z0-9._-]+$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type ParsedEntry = z.infer<typeof entry>;
type ParsedOffer = z.infer<typeof offer>;

/** The parsed entry without the keys it left out (exact optional types), frozen all the way down. */
function freezeEntry(m: ParsedEntry): ModelEntry {
  const offers: Partial<Record<ProviderId, OfferEntry>> = {};
  for (const p of PROVIDER_KEYS) {
    const o = m.providers?.[p];
    if (o !== undefined) offers[p] = freezeOffer(o);
  }
  return Object.freeze({
    name: m.name,
    ...(m.aliases === undefined ? {} : { aliases: Object.freeze([...m.aliases]) }),
    ...(m.deprecated === undefined ? {} : { deprecated: m.deprecated }),
    ...(m.use === undefined ? {} : { use: m.use }),
    ...(m.providers === undefined ? {} : { providers: Object.freeze(offers) }),
  });
}

function freezeOffer(o: ParsedOffer): OfferEntry {
  return Object.freeze({
    ids: definedOnly(o.ids),
    ...(o.prices === undefined ? {} : { prices: definedOnly(o.prices) }),
    ...(o.ratios === undefined ? {} : { ratios: Object.freeze([...o.ratios]) }),
  });
}

function definedOnly<T>(row: Partial<Record<Resolution, T | undefined>>): Partial<Record<Resolution, T>> {
  const out: Partial<Record<Resolution, T>> = {};
  for (const r of RESOLUTION_KEYS) {
    const v = row[r];
    if (v !== undefined) out[r] = v;
  }
  return Object.freeze(out);
}
