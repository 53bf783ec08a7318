import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Redeliver } from '../core/delivery/DeliveryService.js';
import type { Facade } from '../core/facade/Facade.js';
import type { Job } from '../core/model.js';
import { Metrics } from '../ops/Metrics.js';
import { OpsServer } from '../ops/OpsServer.js';
import type { ChatAdapter } from '../bots/ChatAdapter.js';
import { createCore, type Core, type CoreDeps } from './createCore.js';

/** The whole product in one process: the core plus every configured chat adapter. */
export interface App {
  readonly core: Core;
  readonly adapters: readonly ChatAdapter[];
  readonly metrics: Metrics;
  /** The ops server's port once started (`HTTP_PORT`; 0 picks a free one), else undefined. */
  readonly opsPort: () => number | undefined;
  /** Recovers interrupted jobs, connects every adapter, re-delivers unposted results, then tells owners of released jobs. */
  start(): Promise<void>;
  /** Stops taking jobs, lets running ones finish and post within the grace period in all, disconnects, closes the database. */
  stop(): Promise<void>;
}

export type AppDeps = CoreDeps & {
  /** Builds the adapters for this configuration (the composition root passes the real ones). */
  readonly adapters?: (facade: Facade, logger: Logger) => ChatAdapter[];
};

export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  let held = (): Promise<number> => Promise.resolve(0);
  const metrics = new Metrics({ creditsHeld: () => held() });
  const core = await createCore(config, { observer: metrics, ...deps });
  held = () => (core.admin.isOpen() ? core.credits.totalHeld() : Promise.resolve(0));
  const adapters = deps.adapters?.(core.facade, deps.logger) ?? [];
  const ops = config.httpPort === undefined ? undefined : opsServer(config, metrics, core, adapters, deps.logger);
  let opsPort: number | undefined;
  let stopped: Promise<void> | undefined;
  let sweep: NodeJS.Timeout | undefined;

  return {
    core,
    adapters,
    metrics,
    opsPort: () => opsPort,
    async start() {
      // Health answers while the platforms connect; readiness says when they have.
      if (ops && config.httpPort !== undefined) {
        const bound = await ops.listen(config.httpPort, config.httpHost);
        opsPort = bound.port;
        deps.logger.info({ host: bound.address, port: opsPort, metricsToken: config.metricsToken !== undefined }, 'ops server listening');
      }
      const interrupted = await core.generation.recoverInterrupted();
      await Promise.all(adapters.map((a) => a.start()));
      // Results a previous process made but did not get posted go out now, with the bots' own tokens.
      const undelivered = await core.generation.recoverDeliveries(redeliverTo(adapters));
      await notifyOwners(adapters, [...interrupted, ...undelivered], deps.logger);
      // Jobs of processes that die beside this one (another replica, a shard, a CLI run) are
      // released, and their users told, soon after their lease runs out or their pid is gone.
      sweep = setInterval(() => void recoverOrphans(core, adapters, deps.logger), Math.floor(config.instanceLeaseMs / 3));
      sweep.unref();
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(sweep);
        // SHUTDOWN_GRACE_SECONDS bounds the whole stop: running jobs, their uploads and the last
        // messages. Adapters stay connected meanwhile so people who try get a "restarting" answer.
        const deadline = performance.now() + config.shutdownGraceMs;
        await core.generation.shutdown(config.shutdownGraceMs);
        const left = Math.max(0, deadline - performance.now());
        const results = await Promise.allSettled([...adapters.map((a) => a.stop(left)), ops?.close()]);
        for (const r of results) if (r.status === 'rejected') deps.logger.warn({ err: r.reason }, 'did not stop cleanly');
        await core.close();
      })();
      return stopped;
    },
  };
}

/** The ops server, ready once the database is open, jobs are taken and every adapter is connected. */
function opsServer(config: Config, metrics: Metrics, core: Core, adapters: readonly ChatAdapter[], logger: Logger): OpsServer {
  return new OpsServer({
    registry: metrics.registry,
    logger,
    metricsToken: config.metricsToken,
    readiness: [
      () => (core.admin.isOpen() ? undefined : 'database closed'),
      () => (core.generation.accepting ? undefined : 'shutting down'),
      ...adapters.map((a) => () => (a.isConnected() ? undefined : `${a.platform} not connected`)),
    ],
  });
}

/** One sweep for orphans; a failure (a busy database) waits for the next. */
async function recoverOrphans(core: Core, adapters: readonly ChatAdapter[], logger: Logger): Promise<void> {
  try {
    const interrupted = await core.generation.recoverInterrupted();
    const undelivered = await core.generation.recoverDeliveries(redeliverTo(adapters), { sweepSpool: false });
    await notifyOwners(adapters, [...interrupted, ...undelivered], logger);
  } catch (error) {
    logger.warn({ err: error }, 'could not sweep for jobs of stopped processes');
  }
}

async function notifyOwners(adapters: readonly ChatAdapter[], jobs: readonly Job[], logger: Logger): Promise<void> {
  if (jobs.length === 0) return;
  logger.warn({ count: jobs.length }, 'released the holds of jobs a previous process left unfinished');
  await Promise.all(
    adapters.map(async (adapter) => {
      const own = jobs.filter((j) => j.platform === adapter.platform);
      if (own.length === 0) return;
      try {
        await adapter.notifyReleased(own);
      } catch (error) {
        logger.warn({ err: error, platform: adapter.platform }, 'could not tell users about interrupted jobs');
      }
    }),
  );
}

/** Re-delivery through the adapter of the job's platform; a job of no running adapter is not delivered. */
function redeliverTo(adapters: readonly ChatAdapter[]): Redeliver {
  return async (job, images, account) => {
    const adapter = adapters.find((a) => a.platform === job.platform);
    return adapter ? adapter.redeliver(job, images, account) : 0;
  };
}
