import { existsSync } from 'node:fs';
import { z } from 'zod';
import { catalogFor } from './core/catalog/catalogs.js';
import { NBPRO_PLAN_NAMES, type NbproPlan } from './core/catalog/nbproPlans.js';
import { ConfigError } from './core/errors.js';

/**
 * The whole configuration, parsed once from the environment (DESIGN §6). This is the only module
 * that reads `process.env`; everything else receives the frozen result.
 */
export interface Config {
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  readonly provider: ProviderConfig;
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
  readonly providerConcurrency: number;
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
}

export type SlackConfig = {
  readonly botToken: string;
  readonly apiUrl: string | undefined;
  readonly adminIds: readonly string[];
} & (
  | { readonly mode: 'socket'; readonly appToken: string }
  | { readonly mode: 'http'; readonly signingSecret: string; readonly port: number }
);

export type ProviderConfig =
  | { readonly id: 'nbpro'; readonly apiKey: string; readonly baseUrl: string; readonly plan: NbproPlan }
  | { readonly id: 'nbapi'; readonly apiKey: string; readonly baseUrl: string }
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
const bool = z.preprocess(blankToUndefined, z.enum(['1', '0', 'true', 'false', 'yes', 'no']).optional());

const envSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess(blankToUndefined, z.string().regex(/^\d{17,20}$/, 'must be a Discord snowflake (17–20 digits)').optional()),
  DISCORD_GUILD_ID: z.preprocess(blankToUndefined, z.string().regex(/^\d{17,20}$/, 'must be a Discord snowflake (17–20 digits)').optional()),
  DISCORD_API_URL: url,
  DISCORD_ADMIN_IDS: idList,
  SLACK_BOT_TOKEN: z.preprocess(blankToUndefined, z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
  SLACK_APP_TOKEN: z.preprocess(blankToUndefined, z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_PORT: int(1, 65535),
  SLACK_API_URL: url,
  SLACK_ADMIN_IDS: idList,
  PROVIDER: z.preprocess(blankToUndefined, z.enum(['nbpro', 'nbapi', 'offline'], { error: 'must be nbpro, nbapi or offline' }).optional()),
  NBPRO_API_KEY: optionalString,
  NBPRO_BASE_URL: url,
  NBPRO_PLAN: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(NBPRO_PLAN_NAMES as [NbproPlan, ...NbproPlan[]], { error: `must be one of ${NBPRO_PLAN_NAMES.join(', ')}` }).optional(),
  ),
  NBAPI_API_KEY: optionalString,
  NBAPI_BASE_URL: url,
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
  const provider = providerConfig(e, problems);
  if (e.DATABASE_URL && e.DATABASE_PATH) problems.push('DATABASE_URL and DATABASE_PATH are both set: set DATABASE_URL for PostgreSQL or DATABASE_PATH for a SQLite file, not both.');
  if (e.PRICES_FILE && !existsSync(e.PRICES_FILE)) problems.push(`PRICES_FILE ${e.PRICES_FILE} does not exist: fix the path or unset it to use the default prices.`);
  if (problems.length > 0) throw new ConfigError(problems);
  return assembleConfig(e, discord, slack, provider);
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
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    guildId: e.DISCORD_GUILD_ID,
    apiUrl: trimSlash(e.DISCORD_API_URL ?? DEFAULTS.discordApiUrl),
    adminIds: e.DISCORD_ADMIN_IDS,
  };
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

/** `PROVIDER`, else the provider whose key is set (nbpro first), else offline; a chosen provider needs its key. */
function providerConfig(e: Env, problems: string[]): ProviderConfig {
  const providerId = e.PROVIDER ?? (e.NBPRO_API_KEY ? 'nbpro' : e.NBAPI_API_KEY ? 'nbapi' : 'offline');
  if (providerId === 'nbpro') {
    if (e.NBPRO_API_KEY) return { id: 'nbpro', apiKey: e.NBPRO_API_KEY, baseUrl: trimSlash(e.NBPRO_BASE_URL ?? DEFAULTS.nbproBaseUrl), plan: e.NBPRO_PLAN ?? 'standard' };
    problems.push('PROVIDER=nbpro needs NBPRO_API_KEY: set it to your nbpro API key (sk-…), or choose another PROVIDER.');
  } else if (providerId === 'nbapi') {
    if (e.NBAPI_API_KEY) return { id: 'nbapi', apiKey: e.NBAPI_API_KEY, baseUrl: trimSlash(e.NBAPI_BASE_URL ?? DEFAULTS.nbapiBaseUrl) };
    problems.push('PROVIDER=nbapi needs NBAPI_API_KEY: set it to your nbapi API key, or choose another PROVIDER.');
  }
  return { id: 'offline' };
}

/** The frozen configuration from valid variables, with the defaults filled in. */
function assembleConfig(e: Env, discord: DiscordConfig | undefined, slack: SlackConfig | undefined, provider: ProviderConfig): Config {
  const catalog = catalogFor(provider.id, provider.id === 'nbpro' ? provider.plan : undefined);
  return Object.freeze({
    discord: discord && Object.freeze(discord),
    slack: slack && Object.freeze(slack),
    provider: Object.freeze(provider),
    databasePath: e.DATABASE_PATH ?? DEFAULTS.databasePath,
    databaseUrl: e.DATABASE_URL,
    spoolDir: e.SPOOL_DIR,
    instanceLeaseMs: (e.INSTANCE_LEASE_SECONDS ?? DEFAULTS.instanceLeaseSeconds) * 1000,
    startingCredits: e.STARTING_CREDITS ?? DEFAULTS.startingCredits,
    pricesFile: e.PRICES_FILE,
    providerConcurrency: e.PROVIDER_CONCURRENCY ?? catalog.defaultConcurrency,
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
