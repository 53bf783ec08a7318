import { existsSync } from 'node:fs';
import { z } from 'zod';
import { NBPRO_PLAN_NAMES, type NbproPlan } from './core/catalog/nbproPlans.js';
import { ConfigError } from './core/errors.js';
import type { ProviderId } from './core/vocabulary.js';

/**
 * The whole configuration, parsed once from the environment (DESIGN §6). This is the only module
 * that reads `process.env`; everything else receives the frozen result.
 */
export interface Config {
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  /** The providers to use, most preferred first; never empty. */
  readonly providers: readonly ProviderSetup[];
  /** Whether a job whose provider fails (or is skipped by its breaker) moves on to the next that can serve it. */
  readonly fallback: boolean;
  /** When a provider is skipped: after `failures` transient failures in a row, for `coolOffMs`; then one probe job decides. */
  readonly breaker: { readonly failures: number; readonly coolOffMs: number };
  /** The SQLite file (`DATABASE_PATH`), used unless {@link databaseUrl} is set. */
  readonly databasePath: string;
  /** `DATABASE_URL`: a PostgreSQL database instead of the SQLite file. A secret (it holds the password). */
  readonly databaseUrl: string | undefined;
  /** Where produced images wait for the platform's confirmation. @defaultValue `spool/` beside the SQLite file, `./data/spool` with PostgreSQL */
  readonly spoolDir: string | undefined;
  /** How long a process's lease lasts without renewal (`INSTANCE_LEASE_SECONDS`); others release its jobs after that. */
  readonly instanceLeaseMs: number;
  readonly startingCredits: number;
  readonly pricesFile: string | undefined;
  /** `MODELS_FILE`: models, aliases and deprecations added to the built-in ones; checked to exist, read elsewhere. */
  readonly modelsFile: string | undefined;
  /** Calls at once per provider key (`PROVIDER_CONCURRENCY`); undefined: each provider's plan default, decided where the catalog is built. */
  readonly keyConcurrency: number | undefined;
  readonly userConcurrency: number;
  readonly queueLimit: number;
  readonly providerTimeoutMs: number;
  readonly providerRetries: number;
  readonly httpPort: number | undefined;
  /** Interface the ops server listens on; loopback unless the operator opens it. */
  readonly httpHost: string;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /**
   * Origins (scheme, host, port) image downloads may reach even on a private or local address,
   * besides the configured API origins; see `src/core/net`.
   */
  readonly fetchAllowOrigins: readonly string[];
  readonly shutdownGraceMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly logPretty: boolean;
}

export interface DiscordConfig {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string | undefined;
  readonly apiUrl: string;
  readonly adminIds: readonly string[];
  /** The gateway shards this process holds; undefined: one shard, discord.js's default. */
  readonly shards: DiscordShards | undefined;
  /** Whether this process registers the commands at start-up: by default, the one holding shard 0. */
  readonly registerCommands: boolean;
}

/**
 * `auto`: every shard Discord recommends (`GET /gateway/bot`), all in this process. Otherwise the
 * total across every process of the bot and the ids this process holds (ascending, each below count).
 */
export type DiscordShards = 'auto' | { readonly count: number; readonly ids: readonly number[] };

export type SlackConfig = {
  readonly botToken: string;
  readonly apiUrl: string | undefined;
  readonly adminIds: readonly string[];
} & (
  | { readonly mode: 'socket'; readonly appToken: string }
  | { readonly mode: 'http'; readonly signingSecret: string; readonly port: number }
);

/** One configured provider: its keys (each with its own concurrency) in the order given, never empty. */
export type ProviderSetup =
  | { readonly id: 'nbpro'; readonly apiKeys: readonly string[]; readonly baseUrl: string; readonly plan: NbproPlan }
  | { readonly id: 'nbapi'; readonly apiKeys: readonly string[]; readonly baseUrl: string }
  | { readonly id: 'offline' };

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const int = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .optional(),
  );
const url = z.preprocess(blankToUndefined, z.url({ error: 'must be a URL like https://example.com' }).optional());
const idList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean)),
);
/** An http(s) origin and nothing else: no path, query, fragment or user info. */
function asOrigin(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  return (url.protocol === 'http:' || url.protocol === 'https:') && bare ? url.origin : undefined;
}
const originList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      const entries = (s ?? '').split(',').map((x) => x.trim()).filter(Boolean).map((entry) => ({ entry, origin: asOrigin(entry) }));
      const bad = entries.filter((e) => e.origin === undefined).map((e) => `"${e.entry}"`);
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be comma-separated origins (scheme, host and port only), like http://127.0.0.1:8080,https://images.example.com; not ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return [...new Set(entries.flatMap((e) => (e.origin === undefined ? [] : [e.origin])))];
    }),
);
/** Far above any bot's shard count; keeps a typo like `0-99999999` from building a huge list. */
const MAX_SHARDS = 100_000;
const shardCount = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
  z
    .string()
    .optional()
    .transform((s, ctx): 'auto' | number | undefined => {
      if (s === undefined || s === 'auto') return s;
      const count = /^\d+$/.test(s) ? Number(s) : NaN;
      if (count >= 1 && count <= MAX_SHARDS) return count;
      ctx.addIssue({ code: 'custom', message: `must be auto or the total number of shards, a whole number from 1 to ${MAX_SHARDS}` });
      return z.NEVER;
    }),
);
/** `0,2`, `0-3` or a mix, as ascending ids; ranges include both ends; no id twice. */
const shardIds = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const ids: number[] = [];
      for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
        const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(entry);
        const from = Number(match?.[1]);
        const to = match?.[2] === undefined ? from : Number(match[2]);
        if (!match || to >= MAX_SHARDS) {
          ctx.addIssue({ code: 'custom', message: `must be shard ids and ranges like 0,2 or 0-3 (each below ${MAX_SHARDS}); not "${entry}"` });
          return z.NEVER;
        }
        if (to < from) {
          ctx.addIssue({ code: 'custom', message: `has the range "${entry}" backwards: write ${to}-${from}` });
          return z.NEVER;
        }
        for (let id = from; id <= to; id += 1) ids.push(id);
      }
      const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
      if (twice.length > 0) {
        ctx.addIssue({ code: 'custom', message: `lists shard${twice.length > 1 ? 's' : ''} ${twice.join(', ')} more than once: each shard belongs to one process` });
        return z.NEVER;
      }
      if (ids.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'lists no shard: give the ids this process holds, like 0,2 or 0-3, or leave it unset' });
        return z.NEVER;
      }
      return ids.sort((a, b) => a - b);
    }),
);
const bool = z.preprocess(blankToUndefined, z.enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be 1 or 0 (or true/false, yes/no)' }).optional());
const lowerBlankToUndefined = (v: unknown) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v);
/** A switch that is on unless turned off; takes the words operators use for both. */
const onOff = z.preprocess(
  lowerBlankToUndefined,
  z.enum(['on', 'off', '1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be on or off (or 1/0, true/false, yes/no)' }).optional(),
);
const PROVIDER_IDS: readonly ProviderId[] = ['nbpro', 'nbapi', 'offline'];
const isProviderId = (s: string): s is ProviderId => (PROVIDER_IDS as readonly string[]).includes(s);
/** `nbpro,nbapi`: provider ids in any case, most preferred first, each once. */
const providerList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((s, ctx): ProviderId[] | undefined => {
      if (s === undefined) return undefined;
      const entries = s.split(',').map((x) => x.trim()).filter(Boolean);
      const unknown = entries.filter((x) => !isProviderId(x.toLowerCase())).map((x) => `"${x}"`);
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must list providers out of nbpro, nbapi and offline, comma-separated, most preferred first; not ${unknown.join(', ')}` });
        return z.NEVER;
      }
      const ids = entries.map((x) => x.toLowerCase()).filter(isProviderId);
      const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
      if (twice.length > 0) {
        ctx.addIssue({ code: 'custom', message: `lists ${twice.join(', ')} more than once: name each provider once, most preferred first` });
        return z.NEVER;
      }
      if (ids.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'lists no provider: give one or more of nbpro, nbapi and offline, like nbpro,nbapi, or leave it unset' });
        return z.NEVER;
      }
      return ids;
    }),
);
/** `PROVIDER`: one provider id in any case, the shorthand for a `PROVIDERS` of one. */
const providerId = z.preprocess(
  lowerBlankToUndefined,
  z
    .string()
    .optional()
    .transform((s, ctx): ProviderId | undefined => {
      if (s === undefined || isProviderId(s)) return s;
      const message = s.includes(',') ? 'takes one provider: for several, set PROVIDERS=nbpro,nbapi (most preferred first) instead' : 'must be nbpro, nbapi or offline';
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
);
/** Most keys one provider takes: far above any real account's count, low enough to keep one slot pool per key cheap. */
const MAX_KEYS = 32;
/** `k1,k2`: API keys, trimmed, blanks dropped. Never echoed in a problem: they are secrets. */
const keyList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      const keys = (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      if (keys.some((key) => /\s/.test(key))) {
        ctx.addIssue({ code: 'custom', message: 'has a key with a space in it: separate keys with commas, like k1,k2' });
        return z.NEVER;
      }
      return keys;
    }),
);

const envSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess(blankToUndefined, z.string().regex(/^\d{17,20}$/, 'must be a Discord snowflake (17–20 digits)').optional()),
  DISCORD_GUILD_ID: z.preprocess(blankToUndefined, z.string().regex(/^\d{17,20}$/, 'must be a Discord snowflake (17–20 digits)').optional()),
  DISCORD_API_URL: url,
  DISCORD_ADMIN_IDS: idList,
  DISCORD_SHARD_COUNT: shardCount,
  DISCORD_SHARD_IDS: shardIds,
  DISCORD_REGISTER_COMMANDS: bool,
  SLACK_BOT_TOKEN: z.preprocess(blankToUndefined, z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
  SLACK_APP_TOKEN: z.preprocess(blankToUndefined, z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_PORT: int(1, 65535),
  SLACK_API_URL: url,
  SLACK_ADMIN_IDS: idList,
  PROVIDERS: providerList,
  PROVIDER: providerId,
  NBPRO_API_KEY: optionalString,
  NBPRO_API_KEYS: keyList,
  NBPRO_BASE_URL: url,
  NBPRO_PLAN: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(NBPRO_PLAN_NAMES as [NbproPlan, ...NbproPlan[]], { error: `must be one of ${NBPRO_PLAN_NAMES.join(', ')}` }).optional(),
  ),
  NBAPI_API_KEY: optionalString,
  NBAPI_API_KEYS: keyList,
  NBAPI_BASE_URL: url,
  FALLBACK: onOff,
  BREAKER_FAILURES: int(1, 100),
  BREAKER_COOLOFF_SECONDS: int(1, 3600),
  DATABASE_PATH: optionalString,
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a PostgreSQL URL like postgres://user:password@host:5432/nano_imagine')
      .optional(),
  ),
  SPOOL_DIR: optionalString,
  INSTANCE_LEASE_SECONDS: int(3, 600),
  STARTING_CREDITS: int(0, 1_000_000_000),
  PRICES_FILE: optionalString,
  MODELS_FILE: optionalString,
  PROVIDER_CONCURRENCY: int(1, 1000),
  USER_CONCURRENCY: int(1, 100),
  QUEUE_LIMIT: int(1, 100_000),
  PROVIDER_TIMEOUT_SECONDS: int(1, 3600),
  PROVIDER_RETRIES: int(0, 10),
  HTTP_PORT: int(0, 65535),
  HTTP_HOST: z.preprocess(
    blankToUndefined,
    z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'must be an address to listen on, like 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)' }).optional(),
  ),
  METRICS_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .min(16, 'must be at least 16 characters: generate one with `openssl rand -hex 32`')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces: generate one with `openssl rand -hex 32`')
      .optional(),
  ),
  FETCH_ALLOW_ORIGINS: originList,
  SHUTDOWN_GRACE_SECONDS: int(0, 3600),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).optional(),
  ),
  LOG_PRETTY: bool,
});

const DEFAULTS = {
  discordApiUrl: 'https://discord.com/api',
  nbproBaseUrl: 'https://nano-banana-pro.net',
  nbapiBaseUrl: 'https://api.nanobananaapi.dev',
  databasePath: './data/nano-imagine.db',
  startingCredits: 50,
  slackPort: 3000,
  userConcurrency: 2,
  queueLimit: 500,
  providerTimeoutSeconds: 120,
  providerRetries: 2,
  shutdownGraceSeconds: 25,
  instanceLeaseSeconds: 30,
  httpHost: '127.0.0.1',
  breakerFailures: 5,
  breakerCoolOffSeconds: 30,
} as const;

const trimSlash = (u: string) => u.replace(/\/+$/, '');
const truthy = (v: string | undefined) => v === '1' || v === 'true' || v === 'yes';

type Env = z.infer<typeof envSchema>;

/**
 * Parses configuration from an environment. Every problem is collected and reported at once, each
 * with how to fix it.
 * @throws ConfigError
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Each variable is parsed on its own so that every problem is listed, cross-field ones included.
  const problems: string[] = [];
  const e = parseVariables(env, problems);
  const discord = discordConfig(e, problems);
  const slack = slackConfig(e, problems);
  const providers = providerSetups(e, env, problems);
  if (e.DATABASE_URL && e.DATABASE_PATH) problems.push('DATABASE_URL and DATABASE_PATH are both set: set DATABASE_URL for PostgreSQL or DATABASE_PATH for a SQLite file, not both.');
  if (e.PRICES_FILE && !existsSync(e.PRICES_FILE)) problems.push(`PRICES_FILE ${e.PRICES_FILE} does not exist: fix the path or unset it to use the default prices.`);
  if (e.MODELS_FILE && !existsSync(e.MODELS_FILE)) problems.push(`MODELS_FILE ${e.MODELS_FILE} does not exist: fix the path or unset it to use the built-in models.`);
  if (problems.length > 0) throw new ConfigError(problems);
  return assembleConfig(e, discord, slack, providers);
}

/** Every variable through its schema; a variable that fails is left out and its problem recorded. */
function parseVariables(env: Readonly<Record<string, string | undefined>>, problems: string[]): Env {
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(envSchema.shape)) {
    const result = schema.safeParse(env[key]);
    if (result.success) values[key] = result.data;
    else problems.push(`${key} ${result.error.issues[0]?.message ?? 'is invalid'}.`);
  }
  return values as Env;
}

/** Discord is on when its token or application id is set; it needs both. */
function discordConfig(e: Env, problems: string[]): DiscordConfig | undefined {
  if (!e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) return undefined;
  if (!e.DISCORD_TOKEN) problems.push('DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not: add the bot token from the Discord developer portal (Bot → Reset Token).');
  if (!e.DISCORD_APPLICATION_ID) problems.push('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: copy the Application ID from the Discord developer portal (General Information).');
  if (!e.DISCORD_TOKEN || !e.DISCORD_APPLICATION_ID) return undefined;
  const shards = discordShards(e, problems);
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    guildId: e.DISCORD_GUILD_ID,
    apiUrl: trimSlash(e.DISCORD_API_URL ?? DEFAULTS.discordApiUrl),
    adminIds: e.DISCORD_ADMIN_IDS,
    shards,
    registerCommands: e.DISCORD_REGISTER_COMMANDS === undefined ? holdsShardZero(shards) : truthy(e.DISCORD_REGISTER_COMMANDS),
  };
}

/**
 * The shards of this process: none set, discord.js's single shard; a count alone (or `auto`), every
 * shard in this process; ids, those of a numeric count that every process of the bot must share.
 */
function discordShards(e: Env, problems: string[]): DiscordShards | undefined {
  const count = e.DISCORD_SHARD_COUNT;
  const ids = e.DISCORD_SHARD_IDS;
  if (count === undefined) {
    if (ids !== undefined) problems.push('DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT: set it to the total number of shards across all processes of the bot, the same on each.');
    return undefined;
  }
  if (count === 'auto') {
    if (ids === undefined) return 'auto';
    problems.push('DISCORD_SHARD_IDS needs a number in DISCORD_SHARD_COUNT, not auto: every process must use the same total, and Discord’s recommendation can change between starts.');
    return undefined;
  }
  if (ids === undefined) return Object.freeze({ count, ids: Object.freeze(Array.from({ length: count }, (_, i) => i)) });
  const outside = ids.filter((id) => id >= count);
  if (outside.length === 0) return Object.freeze({ count, ids: Object.freeze(ids) });
  problems.push(`DISCORD_SHARD_IDS lists shard${outside.length > 1 ? 's' : ''} ${outside.join(', ')}, but DISCORD_SHARD_COUNT=${count} numbers the shards 0–${count - 1}.`);
  return undefined;
}

/** Whether this process holds shard 0 (with no sharding or `auto`, it holds every shard). */
export function holdsShardZero(shards: DiscordShards | undefined): boolean {
  return shards === undefined || shards === 'auto' || shards.ids.includes(0);
}

/** Slack is on when any of its credentials is set; the app token picks Socket Mode, the signing secret HTTP mode. */
function slackConfig(e: Env, problems: string[]): SlackConfig | undefined {
  if (!e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) return undefined;
  const common = {
    botToken: e.SLACK_BOT_TOKEN ?? '',
    apiUrl: e.SLACK_API_URL ? `${trimSlash(e.SLACK_API_URL)}/` : undefined,
    adminIds: e.SLACK_ADMIN_IDS,
  };
  if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is missing: add the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth & Permissions page.');
  else if (e.SLACK_APP_TOKEN) return { ...common, mode: 'socket', appToken: e.SLACK_APP_TOKEN };
  else if (e.SLACK_SIGNING_SECRET) return { ...common, mode: 'http', signingSecret: e.SLACK_SIGNING_SECRET, port: e.SLACK_PORT ?? DEFAULTS.slackPort };
  else problems.push('SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode): add one of them.');
  return undefined;
}

type KeyedProvider = Exclude<ProviderId, 'offline'>;
const KEY_VARIABLES = { nbpro: ['NBPRO_API_KEY', 'NBPRO_API_KEYS'], nbapi: ['NBAPI_API_KEY', 'NBAPI_API_KEYS'] } as const;

/** A provider's keys: the single variable's first, then the list's, each once (a repeat is harmless, so it is dropped quietly). */
function keysOf(e: Env, provider: KeyedProvider, problems: string[]): string[] {
  const [single, list] = KEY_VARIABLES[provider];
  const keys = [...new Set([...(e[single] === undefined ? [] : [e[single]]), ...(e[list] ?? [])])];
  if (keys.length <= MAX_KEYS) return keys;
  problems.push(`${single} and ${list} give ${provider} ${keys.length} keys: ${provider} takes at most ${MAX_KEYS}; remove some.`);
  return keys.slice(0, MAX_KEYS);
}

/**
 * The providers to use, most preferred first: `PROVIDERS`, or `PROVIDER` as a list of one; neither
 * set, every provider with a key (nbpro first), else offline. A listed provider needs its key: never
 * a silent change of provider.
 */
function providerSetups(e: Env, env: Readonly<Record<string, string | undefined>>, problems: string[]): ProviderSetup[] {
  const keys = { nbpro: keysOf(e, 'nbpro', problems), nbapi: keysOf(e, 'nbapi', problems) };
  const isSet = (name: string) => blankToUndefined(env[name]) !== undefined;
  if (isSet('PROVIDERS') && isSet('PROVIDER')) {
    problems.push('PROVIDERS and PROVIDER are both set: set PROVIDERS or PROVIDER, not both (PROVIDER=nbpro is short for PROVIDERS=nbpro).');
    return [];
  }
  const source = isSet('PROVIDERS') ? 'PROVIDERS' : isSet('PROVIDER') ? 'PROVIDER' : undefined;
  // A variable that failed to parse has its problem recorded already; guessing a list would only add noise.
  const ids = source === 'PROVIDERS' ? e.PROVIDERS : source === 'PROVIDER' ? e.PROVIDER && [e.PROVIDER] : defaultProviders(keys);
  if (ids === undefined) return [];
  return ids.flatMap((id): ProviderSetup[] => {
    if (id === 'offline') return [{ id }];
    const apiKeys = Object.freeze(keys[id]);
    const [single, list] = KEY_VARIABLES[id];
    // A key list always parses to an array: undefined means it failed, and its problem is recorded already.
    if (apiKeys.length === 0 && e[list] === undefined) return [];
    if (apiKeys.length === 0) {
      const named = source === 'PROVIDER' ? `PROVIDER=${id} needs` : `PROVIDERS lists ${id}, which needs`;
      const instead = source === 'PROVIDER' ? 'or choose another PROVIDER' : `or remove ${id} from PROVIDERS`;
      problems.push(`${named} ${single} or ${list}: set ${single} to your ${id} API key${id === 'nbpro' ? ' (sk-…)' : ''} (several: ${list}=k1,k2), ${instead}.`);
      return [];
    }
    if (id === 'nbpro') return [{ id, apiKeys, baseUrl: trimSlash(e.NBPRO_BASE_URL ?? DEFAULTS.nbproBaseUrl), plan: e.NBPRO_PLAN ?? 'standard' }];
    return [{ id, apiKeys, baseUrl: trimSlash(e.NBAPI_BASE_URL ?? DEFAULTS.nbapiBaseUrl) }];
  });
}

/** Neither `PROVIDERS` nor `PROVIDER` set: every provider with a key, nbpro first; none, the offline renderer. */
function defaultProviders(keys: Readonly<Record<KeyedProvider, readonly string[]>>): ProviderId[] {
  const keyed = (['nbpro', 'nbapi'] as const).filter((id) => keys[id].length > 0);
  return keyed.length > 0 ? keyed : ['offline'];
}

/** The frozen configuration from valid variables, with the defaults filled in. */
function assembleConfig(e: Env, discord: DiscordConfig | undefined, slack: SlackConfig | undefined, providers: readonly ProviderSetup[]): Config {
  return Object.freeze({
    discord: discord && Object.freeze(discord),
    slack: slack && Object.freeze(slack),
    providers: Object.freeze(providers.map((p) => Object.freeze(p))),
    fallback: e.FALLBACK === undefined || e.FALLBACK === 'on' || truthy(e.FALLBACK),
    breaker: Object.freeze({
      failures: e.BREAKER_FAILURES ?? DEFAULTS.breakerFailures,
      coolOffMs: (e.BREAKER_COOLOFF_SECONDS ?? DEFAULTS.breakerCoolOffSeconds) * 1000,
    }),
    databasePath: e.DATABASE_PATH ?? DEFAULTS.databasePath,
    databaseUrl: e.DATABASE_URL,
    spoolDir: e.SPOOL_DIR,
    instanceLeaseMs: (e.INSTANCE_LEASE_SECONDS ?? DEFAULTS.instanceLeaseSeconds) * 1000,
    startingCredits: e.STARTING_CREDITS ?? DEFAULTS.startingCredits,
    pricesFile: e.PRICES_FILE,
    modelsFile: e.MODELS_FILE,
    keyConcurrency: e.PROVIDER_CONCURRENCY,
    userConcurrency: e.USER_CONCURRENCY ?? DEFAULTS.userConcurrency,
    queueLimit: e.QUEUE_LIMIT ?? DEFAULTS.queueLimit,
    providerTimeoutMs: (e.PROVIDER_TIMEOUT_SECONDS ?? DEFAULTS.providerTimeoutSeconds) * 1000,
    providerRetries: e.PROVIDER_RETRIES ?? DEFAULTS.providerRetries,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST ?? DEFAULTS.httpHost,
    metricsToken: e.METRICS_TOKEN,
    fetchAllowOrigins: Object.freeze(e.FETCH_ALLOW_ORIGINS),
    shutdownGraceMs: (e.SHUTDOWN_GRACE_SECONDS ?? DEFAULTS.shutdownGraceSeconds) * 1000,
    logLevel: e.LOG_LEVEL ?? 'info',
    logPretty: truthy(e.LOG_PRETTY),
  });
}

/**
 * Reads `.env` (when present, without overriding variables already set) and parses the process
 * environment.
 * @throws ConfigError
 */
export function loadConfig(envFile = '.env'): Config {
  return parseConfig(readEnvironment(envFile));
}

/** The process environment after reading `.env` (when present; variables already set win). */
export function readEnvironment(envFile = '.env'): Readonly<Record<string, string | undefined>> {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return { ...process.env };
}
