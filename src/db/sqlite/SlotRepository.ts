import type { SlotClaim, SlotStore } from '../../core/storePorts.js';
import type { SqliteDatabase } from './types.js';

export const slotSql = {
  held: 'SELECT 1 FROM slots WHERE pool = @pool AND job_id = @jobId',
  // Only slots of instances still within their lease count.
  taken: 'SELECT count(*) FROM slots s JOIN instances i ON i.id = s.owner WHERE s.pool = @pool AND i.lease_until >= @now',
  take: 'INSERT OR IGNORE INTO slots (pool, job_id, owner) VALUES (@pool, @jobId, @owner)',
  release: 'DELETE FROM slots WHERE job_id = @jobId',
} as const;

/**
 * {@link SlotStore} on SQLite. `acquire` must run inside a transaction (the store opens one when
 * called outside): the write lock is what makes counting and taking one step across processes.
 */
export class SlotRepository implements SlotStore {
  readonly #held;
  readonly #taken;
  readonly #take;
  readonly #release;

  constructor(db: SqliteDatabase) {
    this.#held = db.prepare<[{ pool: string; jobId: string }], number>(slotSql.held).pluck();
    this.#taken = db.prepare<[{ pool: string; now: number }], number>(slotSql.taken).pluck();
    this.#take = db.prepare<[{ pool: string; jobId: string; owner: string }]>(slotSql.take);
    this.#release = db.prepare<[{ jobId: string }]>(slotSql.release);
  }

  acquire(claims: readonly SlotClaim[], jobId: string, owner: string, now: number): Promise<boolean> {
    // Every pool is checked before any is taken: all or none.
    const needed = claims.filter((claim) => this.#held.get({ pool: claim.pool, jobId }) === undefined);
    if (needed.some((claim) => (this.#taken.get({ pool: claim.pool, now }) ?? 0) >= claim.capacity)) return Promise.resolve(false);
    for (const claim of needed) this.#take.run({ pool: claim.pool, jobId, owner });
    return Promise.resolve(true);
  }

  release(jobId: string): Promise<void> {
    this.#release.run({ jobId });
    return Promise.resolve();
  }
}
