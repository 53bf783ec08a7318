/**
 * Starts the real product for Discord tests: the discord.js client inside `createApp` (core, real
 * SQLite file, real provider client or a gated offline renderer) against the fake Discord on
 * 127.0.0.1. Logs are kept in memory so tests can check them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app/createApp.js';
import { secretsOf } from '../../../src/app/secretsOf.js';
import { DiscordAdapter } from '../../../src/bots/discord/index.js';
import { parseConfig, type Config } from '../../../src/config.js';
import type { ImageProvider } from '../../../src/core/providers/types.js';
import { createLogger } from '../../../src/logger.js';
import type { FakeDiscord } from '../../fakes/discord.js';
import type { FakeNbproServer } from '../../fakes/nbproServer.js';
import { ManualClock } from '../../support/ManualClock.js';

export interface RunningApp {
  readonly app: App;
  readonly config: Config;
  readonly clock: ManualClock;
  /** Every log line written so far (JSON). */
  readonly logs: string[];
  stop(): Promise<void>;
}

export interface AppOptions {
  readonly fake: FakeDiscord;
  readonly dbPath: string;
  /** The nbpro fake the real nbpro client talks to… */
  readonly nbpro?: FakeNbproServer;
  /** …or a provider object (the offline catalog applies). */
  readonly provider?: ImageProvider;
  readonly adminIds?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Changes the parsed configuration, to reach what the parser itself refuses. */
  readonly configure?: (config: Config) => Config;
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'nano-imagine-discord-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { fake } = options;
  const provider = options.nbpro
    ? { PROVIDER: 'nbpro', NBPRO_API_KEY: options.nbpro.apiKey, NBPRO_BASE_URL: options.nbpro.url, NBPRO_PLAN: 'standard' }
    : { PROVIDER: 'offline' };
  const parsed = parseConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_ADMIN_IDS: (options.adminIds ?? []).join(','),
    ...provider,
    DATABASE_PATH: options.dbPath,
    STARTING_CREDITS: '50',
    PROVIDER_RETRIES: '0',
    SHUTDOWN_GRACE_SECONDS: '0',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const config = options.configure ? options.configure(parsed) : parsed;
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: secretsOf(config), destination: { write: (line: string) => void logs.push(line) } });
  const clock = new ManualClock();
  const app = await createApp(config, {
    logger,
    ...(options.provider ? { provider: options.provider } : {}),
    adapters: (core, log) => [new DiscordAdapter({ config: config.discord!, core, logger: log, clock })],
  });
  try {
    await app.start();
  } catch (error) {
    // What started (the client, the database) is closed before the failure is reported.
    await app.stop();
    throw error;
  }
  return { app, config, clock, logs, stop: () => app.stop() };
}
