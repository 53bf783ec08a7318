import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
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
import { createProvider, type ProviderSettings } from '../core/providers/createProvider.js';
import { defaultRetryPolicy, type RetryPolicy } from '../core/providers/retry.js';
import type { GenerationLimits } from '../core/generation/limits.js';
import type { ImageProvider } from '../core/providers/types.js';
import { JobService } from '../core/jobs/JobService.js';
import type { Store } from '../core/storePorts.js';
import { InstanceRegistry } from '../core/jobs/InstanceRegistry.js';
import { RunSlots } from '../core/generation/RunSlots.js';
import { openStore } from '../db/openStore.js';
import { pidAlive } from './pidAlive.js';
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
  /** This process among those sharing the database. */
  readonly instances: InstanceRegistry;
  /** Removes this process's registration and closes the database. Call after {@link GenerationService.shutdown}. */
  close(): Promise<void>;
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
  /** What this process registers as. @defaultValue 'bot' */
  readonly role?: 'bot' | 'cli';
}

/** Largest reference we download before re-encoding it to the provider's limit. */
const MAX_REFERENCE_DOWNLOAD_BYTES = 25 * 1024 * 1024;
/** Largest provider output we accept (4K PNGs run to ~20 MiB). */
const MAX_OUTPUT_BYTES = 40 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Waiting jobs one account may have. */
const USER_QUEUE_LIMIT = 10;
/**
 * How often a job waiting for a slot another process holds looks again: short, as a free slot
 * elsewhere is only seen this way (slots freed in this process wake their waiters at once).
 */
const SLOT_POLL_MS = 20;

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
function engineLimits(config: Config, providerConcurrency: number, retryPolicy: RetryPolicy | undefined): GenerationLimits {
  return {
    providerConcurrency,
    userConcurrency: config.userConcurrency,
    queueLimit: config.queueLimit,
    userQueueLimit: Math.min(USER_QUEUE_LIMIT, config.queueLimit),
    providerTimeoutMs: config.providerTimeoutMs,
    retry: { ...(retryPolicy ?? defaultRetryPolicy), retries: config.providerRetries },
    maxReferenceDownloadBytes: MAX_REFERENCE_DOWNLOAD_BYTES,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    downloadTimeoutMs: DOWNLOAD_TIMEOUT_MS,
  };
}

/** Composition of config → database → credits → provider → generation engine. */
export async function createCore(config: Config, deps: CoreDeps): Promise<Core> {
  const prices = loadPrices(config.pricesFile);
  // Until the engine routes over every provider and key: the most preferred provider, its first key.
  const first = config.providers[0]!;
  const primary: ProviderSettings = first.id === 'offline' ? first : { id: first.id, apiKey: first.apiKeys[0]!, baseUrl: first.baseUrl };
  const catalog = catalogFor(first.id, first.id === 'nbpro' ? first.plan : undefined);
  const providerConcurrency = config.keyConcurrency ?? catalog.defaultConcurrency;
  const clock = deps.clock ?? systemClock;
  const { store, admin, spool } = await openStore(config, deps.logger);
  const instances = new InstanceRegistry({
    instances: store.instances,
    clock,
    leaseMs: config.instanceLeaseMs,
    self: { id: randomUUID(), role: deps.role ?? 'bot', host: hostname(), pid: process.pid },
    // On the clock that stamps the rows: instances of this process registered since are siblings.
    processStartedAt: clock.now() - Math.round(process.uptime() * 1000),
    pidAlive,
    logger: deps.logger,
  });
  try {
    await instances.start();
  } catch (error) {
    await store.close();
    throw error;
  }
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
  const provider = deps.provider ?? createProvider(primary, { logger: deps.logger, dispatcher });
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
    instances,
    slots: new RunSlots({
      slots: store.slots,
      clock,
      owner: instances.id,
      providerPool: providerPool(primary),
      providerConcurrency,
      userConcurrency: config.userConcurrency,
      pollMs: SLOT_POLL_MS,
    }),
    limits: engineLimits(config, providerConcurrency, deps.retryPolicy),
  });
  return {
    config,
    facade: createFacade({ generation, credits, jobs }),
    admin,
    instances,
    store,
    credits,
    jobs,
    catalog,
    prices,
    provider,
    generation,
    logger: deps.logger,
    close: async () => {
      try {
        await instances.stop();
      } finally {
        await store.close();
      }
      ownAgent?.destroy().catch((error: unknown) => deps.logger.warn({ err: error }, 'HTTP pool did not close cleanly'));
    },
  };
}

/**
 * The slot pool of the provider key: processes with the same key share its concurrency. Named by a
 * fingerprint, never by the key.
 */
function providerPool(provider: ProviderSettings): string {
  if (provider.id === 'offline') return 'provider:offline';
  const fingerprint = createHash('sha256').update(provider.apiKey).digest('hex').slice(0, 16);
  return `provider:${provider.id}:${fingerprint}`;
}
