import { createApp, type App } from './app/createApp.js';
import { createAdapters } from './app/createAdapters.js';
import { secretsOf } from './app/secretsOf.js';
import { loadConfig, type Config } from './config.js';
import { ConfigError } from './core/errors.js';
import { createLogger } from './logger.js';
import { superviseProcess } from './app/superviseProcess.js';

/** After a crash, how much longer than the grace period the shutdown may take before the process exits anyway. */
const FORCE_EXIT_MARGIN_MS = 15_000;

/**
 * The composition root: config → database → core → enabled adapters → signals. Nothing else builds
 * real dependencies.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, secrets: secretsOf(config) });
  if (config.providers.length === 1 && config.providers[0]?.id === 'offline') {
    logger.warn('No provider API key is configured: using the OFFLINE renderer. Images are local previews, not AI generations. Set NBPRO_API_KEY or NBAPI_API_KEY.');
  } else if (config.providers.some((p) => p.id === 'offline')) {
    logger.warn('PROVIDERS lists offline: jobs it serves get local previews, not AI generations.');
  }
  if (!config.discord && !config.slack) {
    logger.warn('Neither Discord nor Slack is configured (DISCORD_TOKEN, SLACK_BOT_TOKEN): the bot has nothing to serve.');
  }
  let app: App;
  try {
    app = await createApp(config, { logger, adapters: (core, log) => createAdapters(config, core, log) });
  } catch (error) {
    // The database could not be opened (unreachable, refused, a schema from a newer build).
    logger.fatal({ err: error }, 'start-up failed');
    process.exitCode = 1;
    return;
  }

  // Signals and crashes leave through the same graceful shutdown; a crash exits 1 for the supervisor.
  const supervisor = superviseProcess({ logger, stop: () => app.stop(), forceExitAfterMs: config.shutdownGraceMs + FORCE_EXIT_MARGIN_MS });

  try {
    await app.start();
  } catch (error) {
    // A start-up failure (a port in use, a refused token) releases what was opened, then exits 1.
    logger.fatal({ err: error }, 'start-up failed');
    supervisor.shutdown('start-up failed', 1);
    return;
  }
  logger.info({ providers: config.providers.map((p) => p.id), database: app.core.admin.location, instance: app.core.instances.id, adapters: app.adapters.map((a) => a.platform) }, 'nano-imagine started');
  // Keep the process alive until a signal arrives, even with no platform connected.
  setInterval(() => undefined, 1 << 30);
}

await main();
