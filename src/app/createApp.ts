import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Job } from '../core/store.js';
import type { ChatAdapter } from './ChatAdapter.js';
import { createCore, type Core, type CoreDeps } from './createCore.js';

/** The whole product in one process: the core plus every configured chat adapter. */
export interface App {
  readonly core: Core;
  readonly adapters: readonly ChatAdapter[];
  /** Recovers interrupted jobs, connects every adapter, then tells owners of interrupted jobs. */
  start(): Promise<void>;
  /** Stops taking jobs, lets running ones finish within the grace period, disconnects, closes the database. */
  stop(): Promise<void>;
}

export type AppDeps = CoreDeps & {
  /** Builds the adapters for this configuration (the composition root passes the real ones). */
  readonly adapters?: (core: Core, logger: Logger) => ChatAdapter[];
};

export function createApp(config: Config, deps: AppDeps): App {
  const core = createCore(config, deps);
  const adapters = deps.adapters?.(core, deps.logger) ?? [];
  let stopped: Promise<void> | undefined;

  return {
    core,
    adapters,
    async start() {
      const interrupted = core.generation.recoverInterrupted();
      await Promise.all(adapters.map((a) => a.start()));
      await notifyOwners(adapters, interrupted, deps.logger);
    },
    stop() {
      stopped ??= (async () => {
        await core.generation.shutdown(config.shutdownGraceMs);
        const results = await Promise.allSettled(adapters.map((a) => a.stop()));
        for (const r of results) if (r.status === 'rejected') deps.logger.warn({ err: r.reason }, 'adapter did not stop cleanly');
        core.close();
      })();
      return stopped;
    },
  };
}

async function notifyOwners(adapters: readonly ChatAdapter[], jobs: readonly Job[], logger: Logger): Promise<void> {
  if (jobs.length === 0) return;
  logger.warn({ count: jobs.length }, 'released the holds of jobs a previous process left unfinished');
  await Promise.all(
    adapters.map(async (adapter) => {
      const own = jobs.filter((j) => j.platform === adapter.platform);
      if (own.length === 0) return;
      try {
        await adapter.notifyInterrupted(own);
      } catch (error) {
        logger.warn({ err: error, platform: adapter.platform }, 'could not tell users about interrupted jobs');
      }
    }),
  );
}
