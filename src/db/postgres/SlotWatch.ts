import type pg from 'pg';
import type { Logger } from 'pino';

/** The channel a freed slot is announced on (per database). */
export const SLOTS_FREED_CHANNEL = 'nano_imagine_slots_freed';

/**
 * Hears other processes give slots back (LISTEN on one connection of the pool), so a job waiting
 * for a slot another process holds looks again at once instead of at its next poll. The poll stays:
 * a notification lost with a connection only delays a job. The connection is taken on the first
 * watcher and given back by {@link close}.
 */
export class SlotWatch {
  readonly #pool: pg.Pool;
  readonly #logger: Logger | undefined;
  readonly #watchers = new Set<() => void>();
  #client: Promise<pg.PoolClient | undefined> | undefined;

  constructor(pool: pg.Pool, logger?: Logger) {
    this.#pool = pool;
    this.#logger = logger;
  }

  watch(onFreed: () => void): () => void {
    this.#watchers.add(onFreed);
    this.#client ??= this.#listen();
    return () => this.#watchers.delete(onFreed);
  }

  async close(): Promise<void> {
    const client = await this.#client;
    this.#client = Promise.resolve(undefined);
    if (!client) return;
    client.removeAllListeners('notification');
    await client.query(`UNLISTEN ${SLOTS_FREED_CHANNEL}`).catch(() => undefined);
    client.release();
  }

  async #listen(): Promise<pg.PoolClient | undefined> {
    try {
      const client = await this.#pool.connect();
      client.on('notification', () => {
        for (const onFreed of this.#watchers) onFreed();
      });
      client.on('error', (error) => this.#logger?.warn({ err: error }, 'lost the connection that hears freed slots; waiting jobs poll'));
      await client.query(`LISTEN ${SLOTS_FREED_CHANNEL}`);
      return client;
    } catch (error) {
      this.#logger?.warn({ err: error }, 'could not listen for freed slots; waiting jobs poll');
      return undefined;
    }
  }
}
