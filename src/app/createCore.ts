import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Agent, Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { catalogFor } from '../core/catalog/catalogs.js';
import type { Catalog } from '../core/catalog/types.js';
import { systemClock, type Clock } from '../core/clock.js';
import { CreditService } from '../core/credits/CreditService.js';
import type { DatabaseAdmin } from '../core/databaseAdmin.js';
import { createFacade } from '../core/facade/createFacade.js';
import type { Facade } from '../core/facade/Facade.js';
import { ConfigError, ValidationError } from '../core/errors.js';
import { GenerationService } from '../core/generation/GenerationService.js';
import { createGuardedAgent } from '../core/net/guardedAgent.js';
import type { GenerationObserver } from '../core/generation/observer.js';
import type { PriceTable } from '../core/pricing/defaultPrices.js';
import { defaultPriceTable, parsePriceOverrides } from '../core/pricing/priceTable.js';
import { createProvider } from '../core/providers/createProvider.js';
import { defaultRetryPolicy, type RetryPolicy } from '../core/providers/retry.js';
import type { GenerationLimits } from '../core/generation/limits.js';
import type { ImageProvider } from '../core/providers/types.js';
import { JobService } from '../core/jobs/JobService.js';
import type { Store } from '../core/storePorts.js';
import { sqliteAdmin } from '../db/admin.js';
import { FileSpool } from '../db/FileSpool.js';
import { MemorySpool } from '../db/MemorySpool.js';
import { openDatabase } from '../db/open.js';
import { createSqliteStore } from '../db/store.js';
import { fetchAllowOrigins } from './fetchAllowOrigins.js';

/**
 * Everything below the chat adapters, built from one configuration. Adapters and the CLI receive
 * only {@link Core.facade} (and the CLI {@link Core.admin}); the rest is for the composition: start-up
 * recovery, shutdown, metrics.
 */
export interface Core {
  readonly config: Config;
  /** What adapters and the CLI call. */
  readonly facade: Facade;
  /** Backup and check of the database as a whole. */
  readonly admin: DatabaseAdmin;
  readonly store: Store;
  readonly credits: CreditService;
  readonly jobs: JobService;
  readonly catalog: Catalog;
  readonly prices: PriceTable;
  readonly provider: ImageProvider;
  readonly generation: GenerationService;
  readonly logger: Logger;
  /** Closes the database. Call after {@link GenerationService.shutdown}. */
  close(): void;
}

export interface CoreDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
  /**
   * Reaches the provider and image hosts. Replaces the core's own guarded agent, and with it the
   * refusal of private and local addresses: whoever passes one owns that policy.
   * @defaultValue an agent that refuses non-public addresses outside {@link fetchAllowOrigins}
   */
  readonly dispatcher?: Dispatcher;
  readonly observer?: GenerationObserver;
  /** Overrides the provider client (tests, benchmarks). */
  readonly provider?: ImageProvider;
  /** Retry timing; the number of retries always comes from `PROVIDER_RETRIES`. @defaultValue defaultRetryPolicy */
  readonly retryPolicy?: RetryPolicy;
}

/** Largest reference we download before re-encoding it to the provider's limit. */
const MAX_REFERENCE_DOWNLOAD_BYTES = 25 * 1024 * 1024;
/** Largest provider output we accept (4K PNGs run to ~20 MiB). */
const MAX_OUTPUT_BYTES = 40 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Waiting jobs one account may have. */
const USER_QUEUE_LIMIT = 10;
/**
 * A job's lease: renewed every 15 s by the process running it, so a job whose process died is
 * released by the bot's minute sweep (or the next CLI start) within two minutes.
 */
const JOB_LEASE_MS = 45_000;

/** Reads and validates `PRICES_FILE`, or returns the defaults. */
export function loadPrices(pricesFile: string | undefined): PriceTable {
  if (!pricesFile) return defaultPriceTable;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(pricesFile, 'utf8'));
  } catch (error) {
    throw new ConfigError([`PRICES_FILE ${pricesFile} is not readable JSON (${(error as Error).message}).`]);
  }
  try {
    return parsePriceOverrides(json);
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError([`PRICES_FILE ${pricesFile}: ${error.message}`]);
    throw error;
  }
}

/** The engine's limits: the configured ones, and the fixed ones declared above. */
function engineLimits(config: Config, retryPolicy: RetryPolicy | undefined): GenerationLimits {
  return {
    providerConcurrency: config.providerConcurrency,
    userConcurrency: config.userConcurrency,
    queueLimit: config.queueLimit,
    userQueueLimit: Math.min(USER_QUEUE_LIMIT, config.queueLimit),
    providerTimeoutMs: config.providerTimeoutMs,
    retry: { ...(retryPolicy ?? defaultRetryPolicy), retries: config.providerRetries },
    maxReferenceDownloadBytes: MAX_REFERENCE_DOWNLOAD_BYTES,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    downloadTimeoutMs: DOWNLOAD_TIMEOUT_MS,
    leaseMs: JOB_LEASE_MS,
  };
}

/** Composition of config → database → credits → provider → generation engine. */
export function createCore(config: Config, deps: CoreDeps): Core {
  const prices = loadPrices(config.pricesFile);
  const catalog = catalogFor(config.provider.id, config.provider.id === 'nbpro' ? config.provider.plan : undefined);
  const clock = deps.clock ?? systemClock;
  const db = openDatabase(config.databasePath);
  // Images waiting for the platform's confirmation, beside the database they are accounted in.
  const spool = db.memory ? new MemorySpool() : new FileSpool(join(dirname(db.name), 'spool'));
  const store = createSqliteStore(db);
  const credits = new CreditService({ store, clock, startingCredits: config.startingCredits });
  const jobs = new JobService({ store, credits, clock });
  // The core's own connection pool: never undici's process-wide dispatcher, which other libraries
  // (discord.js bundles another undici) would otherwise share with a different undici version.
  // Every connection it opens is checked: only the configured origins may be private or local.
  const allowOrigins = new Set(fetchAllowOrigins(config));
  const ownAgent: Agent | undefined = deps.dispatcher
    ? undefined
    : createGuardedAgent({ allowOrigins, agent: { keepAliveTimeout: 10_000, connections: 64 } });
  const dispatcher = deps.dispatcher ?? ownAgent!;
  const provider = deps.provider ?? createProvider(config.provider, { logger: deps.logger, dispatcher });
  const generation = new GenerationService({
    credits,
    jobs,
    provider,
    catalog,
    prices,
    clock,
    logger: deps.logger,
    ...(deps.observer ? { observer: deps.observer } : {}),
    dispatcher,
    ...(ownAgent ? { fetchAllowOrigins: allowOrigins } : {}),
    spool,
    limits: engineLimits(config, deps.retryPolicy),
  });
  return {
    config,
    facade: createFacade({ generation, credits, jobs }),
    admin: sqliteAdmin(db),
    store,
    credits,
    jobs,
    catalog,
    prices,
    provider,
    generation,
    logger: deps.logger,
    close: () => {
      db.close();
      ownAgent?.destroy().catch((error: unknown) => deps.logger.warn({ err: error }, 'HTTP pool did not close cleanly'));
    },
  };
}
