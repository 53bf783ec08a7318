import type { Job, NewJob, StoredOutput } from '../../core/model.js';
import type { JobSettlement, JobStore, ServedBy } from '../../core/storePorts.js';
import { JOB_COLUMNS, jobRow, toJob, writeJson, type JobRow } from '../rows.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

const ALL = columnList(JOB_COLUMNS);
const UNSETTLED = "status IN ('queued', 'running', 'delivering')";
/** Every job when @except is null, else those of other owners (and of none). */
const NOT_EXCEPTED = '(@except IS NULL OR owner IS NOT @except)';

type SettleParams = Pick<JobRow, 'id' | 'status' | 'captured' | 'error_code' | 'error_message' | 'outputs' | 'finished_at'>;
type DeliveringParams = Pick<JobRow, 'id' | 'outputs' | 'provider' | 'model' | 'unit_cost' | 'notice'>;

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const jobSql = {
  insert: `INSERT INTO jobs (${ALL}) VALUES (${namedValues(JOB_COLUMNS)})`,
  find: `SELECT ${ALL} FROM jobs WHERE id = @id`,
  findByIdempotencyKey: `SELECT ${ALL} FROM jobs WHERE idempotency_key = @key`,
  markRunning: `UPDATE jobs SET status = 'running', started_at = @at WHERE id = @id AND status = 'queued' RETURNING ${ALL}`,
  markDelivering:
    "UPDATE jobs SET status = 'delivering', outputs = @outputs, provider = @provider, model = @model, " +
    `unit_cost = @unit_cost, notice = @notice WHERE id = @id AND status = 'running' RETURNING ${ALL}`,
  // The status guard makes settlement exactly-once even if a caller skipped its own check.
  settle:
    'UPDATE jobs SET status = @status, held = 0, captured = @captured, error_code = @error_code, ' +
    `error_message = @error_message, outputs = @outputs, finished_at = @finished_at WHERE id = @id AND ${UNSETTLED}`,
  // Unsettled jobs, oldest first, from the partial index jobs_unsettled: the WHERE repeats the
  // index's condition word for word, which is what lets SQLite use it.
  unsettled: `SELECT ${ALL} FROM jobs WHERE ${UNSETTLED} ORDER BY created_at, rowid`,
  countQueued: `SELECT count(*) FROM jobs WHERE ${UNSETTLED} AND status = 'queued' AND ${NOT_EXCEPTED}`,
  countQueuedByAccount: `SELECT count(*) FROM jobs WHERE ${UNSETTLED} AND status = 'queued' AND account_key = @accountKey AND ${NOT_EXCEPTED}`,
  // Newest first is insertion order: rowids only grow.
  listByAccount: `SELECT ${ALL} FROM jobs WHERE account_key = @accountKey ORDER BY rowid DESC LIMIT @limit`,
  list: `SELECT ${ALL} FROM jobs ORDER BY rowid DESC LIMIT @limit`,
} as const;

/** {@link JobStore} on SQLite. The statements run synchronously; the promises are for the port. */
export class JobRepository implements JobStore {
  readonly #insert;
  readonly #find;
  readonly #findByIdempotencyKey;
  readonly #markRunning;
  readonly #markDelivering;
  readonly #settle;
  readonly #unsettled;
  readonly #countQueued;
  readonly #countQueuedByAccount;
  readonly #listByAccount;
  readonly #list;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<[JobRow]>(jobSql.insert);
    this.#find = db.prepare<[{ id: string }], JobRow>(jobSql.find);
    this.#findByIdempotencyKey = db.prepare<[{ key: string }], JobRow>(jobSql.findByIdempotencyKey);
    this.#markRunning = db.prepare<[{ id: string; at: number }], JobRow>(jobSql.markRunning);
    this.#markDelivering = db.prepare<[DeliveringParams], JobRow>(jobSql.markDelivering);
    this.#settle = db.prepare<[SettleParams]>(jobSql.settle);
    this.#unsettled = db.prepare<[], JobRow>(jobSql.unsettled);
    this.#countQueued = db.prepare<[{ except: string | null }], number>(jobSql.countQueued).pluck();
    this.#countQueuedByAccount = db.prepare<[{ accountKey: string; except: string | null }], number>(jobSql.countQueuedByAccount).pluck();
    this.#listByAccount = db.prepare<[{ accountKey: string; limit: number }], JobRow>(jobSql.listByAccount);
    this.#list = db.prepare<[{ limit: number }], JobRow>(jobSql.list);
  }

  insert(job: NewJob): Promise<void> {
    this.#insert.run(
      jobRow({ ...job, captured: 0, errorCode: null, errorMessage: null, outputs: [], startedAt: null, finishedAt: null }),
    );
    return Promise.resolve();
  }

  find(id: string): Promise<Job | undefined> {
    return Promise.resolve(maybeJob(this.#find.get({ id })));
  }

  findByIdempotencyKey(key: string): Promise<Job | undefined> {
    return Promise.resolve(maybeJob(this.#findByIdempotencyKey.get({ key })));
  }

  markRunning(id: string, at: number): Promise<Job | undefined> {
    return Promise.resolve(maybeJob(this.#markRunning.get({ id, at })));
  }

  markDelivering(id: string, outputs: readonly StoredOutput[], served: ServedBy): Promise<Job | undefined> {
    const row = this.#markDelivering.get({
      id,
      outputs: writeJson(outputs),
      provider: served.provider,
      model: served.model,
      unit_cost: served.unitCost,
      notice: served.notice,
    });
    return Promise.resolve(maybeJob(row));
  }

  settle(id: string, settlement: JobSettlement): Promise<boolean> {
    const { changes } = this.#settle.run({
      id,
      status: settlement.status,
      captured: settlement.captured,
      error_code: settlement.errorCode,
      error_message: settlement.errorMessage,
      outputs: writeJson(settlement.outputs),
      finished_at: settlement.finishedAt,
    });
    return Promise.resolve(changes === 1);
  }

  unsettled(): Promise<Job[]> {
    return Promise.resolve(this.#unsettled.all().map(toJob));
  }

  countQueued(filter: { accountKey?: string; exceptOwner?: string }): Promise<number> {
    const except = filter.exceptOwner ?? null;
    const count =
      filter.accountKey === undefined
        ? this.#countQueued.get({ except })
        : this.#countQueuedByAccount.get({ accountKey: filter.accountKey, except });
    return Promise.resolve(count ?? 0);
  }

  list(filter: { accountKey?: string; limit: number }): Promise<Job[]> {
    const rows =
      filter.accountKey === undefined
        ? this.#list.all({ limit: filter.limit })
        : this.#listByAccount.all({ accountKey: filter.accountKey, limit: filter.limit });
    return Promise.resolve(rows.map(toJob));
  }
}

function maybeJob(row: JobRow | undefined): Job | undefined {
  return row && toJob(row);
}
