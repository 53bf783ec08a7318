import type { SlotClaim, SlotStore } from '../../core/storePorts.js';
import { SLOT_POOL_LOCK_SPACE } from './advisoryLocks.js';
import type { Queryable } from './queryable.js';
import { SLOTS_FREED_CHANNEL } from './SlotWatch.js';

/** Runs `fn` in a transaction: the caller's when `acquire` is called inside one, else a new one. */
export type InTransaction = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;

/** The SQL this repository runs, exported so tests can check its plans. Parameters are positional. */
export const slotSql = {
  // One lock per pool, held to the end of the transaction: callers wanting the same pool take turns
  // counting and inserting, so no two see the same free slot. Locks are taken in the order of their
  // keys (PostgreSQL evaluates a volatile select list after ORDER BY), so two callers wanting the
  // same pools never hold one each while waiting for the other's.
  lockPools:
    `SELECT pg_advisory_xact_lock(${SLOT_POOL_LOCK_SPACE}, key) ` +
    'FROM (SELECT DISTINCT hashtext(pool) AS key FROM unnest($1::text[]) AS pool) AS pools ORDER BY key',
  // Per pool: whether this job already holds its slot, and how many slots count — those of
  // instances whose lease has not run out at `now`, for jobs not yet settled (slot writes commit
  // without waiting for the disk, so after a server crash a release may be lost; a settled job's
  // slot then no longer counts).
  count:
    'SELECT claim.pool, ' +
    'EXISTS (SELECT 1 FROM slots WHERE slots.pool = claim.pool AND slots.job_id = $2) AS held, ' +
    '(SELECT count(*) FROM slots JOIN instances ON instances.id = slots.owner ' +
    ' WHERE slots.pool = claim.pool AND instances.lease_until >= $3' +
    "  AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = slots.job_id AND jobs.status NOT IN ('queued', 'running', 'delivering'))) AS taken " +
    'FROM unnest($1::text[]) AS claim(pool)',
  insert: 'INSERT INTO slots (pool, job_id, owner) SELECT pool, $2, $3 FROM unnest($1::text[]) AS pool',
  release: 'DELETE FROM slots WHERE job_id = $1',
  // Delivered at commit, to every process listening (SlotWatch), this one included.
  announce: `SELECT pg_notify('${SLOTS_FREED_CHANNEL}', '')`,
} as const;

interface PoolCount {
  pool: string;
  held: boolean;
  taken: number;
}

/** {@link SlotStore} on PostgreSQL. */
export class SlotRepository implements SlotStore {
  readonly #inTransaction: InTransaction;

  /** @param inTransaction - where `acquire` counts and inserts and `release` deletes. */
  constructor(inTransaction: InTransaction) {
    this.#inTransaction = inTransaction;
  }

  acquire(claims: readonly SlotClaim[], jobId: string, owner: string, now: number): Promise<boolean> {
    const capacities = new Map<string, number>();
    for (const claim of claims) if (!capacities.has(claim.pool)) capacities.set(claim.pool, claim.capacity);
    if (capacities.size === 0) return Promise.resolve(true);
    const pools = [...capacities.keys()];
    return this.#inTransaction(async (q) => {
      await q.query(slotSql.lockPools, [pools]);
      const { rows } = await q.query<PoolCount>(slotSql.count, [pools, jobId, now]);
      if (!rows.every((row) => row.held || row.taken < (capacities.get(row.pool) ?? 0))) return false;
      const missing = rows.filter((row) => !row.held).map((row) => row.pool);
      if (missing.length > 0) await q.query(slotSql.insert, [missing, jobId, owner]);
      return true;
    });
  }

  async release(jobId: string): Promise<void> {
    await this.#inTransaction(async (q) => {
      const { rowCount } = await q.query(slotSql.release, [jobId]);
      if ((rowCount ?? 0) > 0) await q.query(slotSql.announce);
    });
  }
}
