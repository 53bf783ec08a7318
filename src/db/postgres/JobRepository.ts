import type { Job, NewJob, StoredOutput } from '../../core/model.js';
import type { JobSettlement, JobStore, ServedBy } from '../../core/storePorts.js';
import { JOB_COLUMNS, jobRow, toJob, writeJson, type JobRow } from '../rows.js';
import type { Queryable } from './queryable.js';
import { columnList, placeholders, valuesOf } from './sql.js';

const ALL = columnList(JOB_COLUMNS);
/** The statuses of a job that still holds credits, as the partial index jobs_unsettled names them. */
const UNSETTLED = "status IN ('queued', 'running', 'delivering')";

/** The SQL this repository runs, exported so tests can check its plans. Parameters are positional. */
export const jobSql = {
  insert: `INSERT INTO jobs (${ALL}) VALUES (${placeholders(JOB_COLUMNS.length)})`,
  find: `SELECT ${ALL} FROM jobs WHERE id = $1`,
  findByIdempotencyKey: `SELECT ${ALL} FROM jobs WHERE idempotency_key = $1`,
  markRunning: `UPDATE jobs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued' RETURNING ${ALL}`,
  markDelivering:
    "UPDATE jobs SET status = 'delivering', outputs = $2, provider = $3, model = $4, unit_cost = $5, notice = $6 " +
    `WHERE id = $1 AND status = 'running' RETURNING ${ALL}`,
  // The status guard makes settlement exactly-once: of two processes settling the same job, the
  // second waits for the first's row lock, then finds the job settled and changes nothing.
  settle:
    'UPDATE jobs SET status = $2, held = 0, captured = $3, error_code = $4, error_message = $5, outputs = $6, ' +
    `finished_at = $7 WHERE id = $1 AND ${UNSETTLED}`,
  unsettled: `SELECT ${ALL} FROM jobs WHERE ${UNSETTLED} ORDER BY created_at, seq`,
  // Queued implies unsettled, so PostgreSQL reads these from the small partial index too.
  // Every job when the owner to leave out is null, else those of other owners (and of none).
  countQueued: "SELECT count(*) AS count FROM jobs WHERE status = 'queued' AND ($1::text IS NULL OR owner IS DISTINCT FROM $1)",
  countQueuedByAccount:
    "SELECT count(*) AS count FROM jobs WHERE status = 'queued' AND account_key = $1 AND ($2::text IS NULL OR owner IS DISTINCT FROM $2)",
  // Newest first is insertion order: seq only grows.
  listByAccount: `SELECT ${ALL} FROM jobs WHERE account_key = $1 ORDER BY seq DESC LIMIT $2`,
  list: `SELECT ${ALL} FROM jobs ORDER BY seq DESC LIMIT $1`,
} as const;

/** {@link JobStore} on PostgreSQL. JSON columns are written as JSON text and read back parsed. */
export class JobRepository implements JobStore {
  readonly #q: Queryable;

  constructor(q: Queryable) {
    this.#q = q;
  }

  async insert(job: NewJob): Promise<void> {
    const row = jobRow({ ...job, captured: 0, errorCode: null, errorMessage: null, outputs: [], startedAt: null, finishedAt: null });
    await this.#q.query(jobSql.insert, valuesOf(row, JOB_COLUMNS));
  }

  find(id: string): Promise<Job | undefined> {
    return this.#one(jobSql.find, [id]);
  }

  findByIdempotencyKey(key: string): Promise<Job | undefined> {
    return this.#one(jobSql.findByIdempotencyKey, [key]);
  }

  markRunning(id: string, at: number): Promise<Job | undefined> {
    return this.#one(jobSql.markRunning, [id, at]);
  }

  markDelivering(id: string, outputs: readonly StoredOutput[], served: ServedBy): Promise<Job | undefined> {
    return this.#one(jobSql.markDelivering, [id, writeJson(outputs), served.provider, served.model, served.unitCost, served.notice]);
  }

  async settle(id: string, settlement: JobSettlement): Promise<boolean> {
    const { rowCount } = await this.#q.query(jobSql.settle, [
      id,
      settlement.status,
      settlement.captured,
      settlement.errorCode,
      settlement.errorMessage,
      writeJson(settlement.outputs),
      settlement.finishedAt,
    ]);
    return rowCount === 1;
  }

  async unsettled(): Promise<Job[]> {
    const { rows } = await this.#q.query<JobRow>(jobSql.unsettled);
    return rows.map(toJob);
  }

  async countQueued(filter: { accountKey?: string; exceptOwner?: string }): Promise<number> {
    const except = filter.exceptOwner ?? null;
    const { rows } =
      filter.accountKey === undefined
        ? await this.#q.query<{ count: number }>(jobSql.countQueued, [except])
        : await this.#q.query<{ count: number }>(jobSql.countQueuedByAccount, [filter.accountKey, except]);
    return rows[0]?.count ?? 0;
  }

  async list(filter: { accountKey?: string; limit: number }): Promise<Job[]> {
    const { rows } =
      filter.accountKey === undefined
        ? await this.#q.query<JobRow>(jobSql.list, [filter.limit])
        : await this.#q.query<JobRow>(jobSql.listByAccount, [filter.accountKey, filter.limit]);
    return rows.map(toJob);
  }

  async #one(sql: string, values: unknown[]): Promise<Job | undefined> {
    const { rows } = await this.#q.query<JobRow>(sql, values);
    return rows[0] && toJob(rows[0]);
  }
}
