import type { JobFailureCode } from '../core/errorCodes.js';
import type { Job, JobKind, JobStatus, NewJob, StoredOutput, StoredRequest } from '../core/model.js';
import type { JobSettlement, JobStore } from '../core/storePorts.js';
import type { Platform, ProviderId } from '../core/vocabulary.js';
import { readJson, writeJson } from './json.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

/** A `jobs` row as SQLite holds it: snake_case columns, JSON as text. */
interface JobRow {
  id: string;
  idempotency_key: string;
  account_key: string;
  platform: Platform;
  destination: string;
  kind: JobKind;
  parent_id: string | null;
  request: string;
  provider: ProviderId;
  model: string;
  unit_cost: number;
  cost: number;
  held: number;
  captured: number;
  status: JobStatus;
  error_code: JobFailureCode | null;
  error_message: string | null;
  outputs: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_until: number | null;
}

/** The row ↔ object mappers: adding a column touches these two functions and the row type. */
function toRow(job: Job): JobRow {
  return {
    id: job.id,
    idempotency_key: job.idempotencyKey,
    account_key: job.accountKey,
    platform: job.platform,
    destination: writeJson(job.destination),
    kind: job.kind,
    parent_id: job.parentId,
    request: writeJson(job.request),
    provider: job.provider,
    model: job.model,
    unit_cost: job.unitCost,
    cost: job.cost,
    held: job.held,
    captured: job.captured,
    status: job.status,
    error_code: job.errorCode,
    error_message: job.errorMessage,
    outputs: writeJson(job.outputs),
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    lease_until: job.leaseUntil,
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    accountKey: row.account_key,
    platform: row.platform,
    destination: readJson<Record<string, unknown>>(row.destination),
    kind: row.kind,
    parentId: row.parent_id,
    request: readJson<StoredRequest>(row.request),
    provider: row.provider,
    model: row.model,
    unitCost: row.unit_cost,
    cost: row.cost,
    held: row.held,
    captured: row.captured,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    outputs: readJson<StoredOutput[]>(row.outputs),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    leaseUntil: row.lease_until,
  };
}

/** Every column, in the order of {@link JobRow}; the SQL below is built from it. */
const COLUMNS = [
  'id', 'idempotency_key', 'account_key', 'platform', 'destination', 'kind', 'parent_id', 'request', 'provider',
  'model', 'unit_cost', 'cost', 'held', 'captured', 'status', 'error_code', 'error_message', 'outputs',
  'created_at', 'started_at', 'finished_at', 'lease_until',
] as const satisfies readonly (keyof JobRow)[];
const ALL = columnList(COLUMNS);

type SettleParams = Pick<JobRow, 'id' | 'status' | 'captured' | 'error_code' | 'error_message' | 'outputs' | 'finished_at'>;

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const jobSql = {
  insert: `INSERT INTO jobs (${ALL}) VALUES (${namedValues(COLUMNS)})`,
  find: `SELECT ${ALL} FROM jobs WHERE id = @id`,
  findByIdempotencyKey: `SELECT ${ALL} FROM jobs WHERE idempotency_key = @key`,
  markRunning: `UPDATE jobs SET status = 'running', started_at = @at WHERE id = @id AND status = 'queued' RETURNING ${ALL}`,
  markDelivering: `UPDATE jobs SET status = 'delivering', outputs = @outputs WHERE id = @id AND status = 'running' RETURNING ${ALL}`,
  renewLease: `UPDATE jobs SET lease_until = @until WHERE id = @id AND status IN ('queued', 'running', 'delivering')`,
  // The status guard makes settlement exactly-once even if a caller skipped its own check.
  settle:
    'UPDATE jobs SET status = @status, held = 0, captured = @captured, error_code = @error_code, ' +
    "error_message = @error_message, outputs = @outputs, finished_at = @finished_at WHERE id = @id AND status IN ('queued', 'running', 'delivering')",
  // Unsettled jobs, oldest first, from the partial index jobs_unsettled: the WHERE repeats the
  // index's condition word for word, which is what lets SQLite use it.
  unsettled: `SELECT ${ALL} FROM jobs WHERE status IN ('queued', 'running', 'delivering') ORDER BY created_at, rowid`,
  // Newest first is insertion order: rowids only grow.
  listByAccount: `SELECT ${ALL} FROM jobs WHERE account_key = @accountKey ORDER BY rowid DESC LIMIT @limit`,
  list: `SELECT ${ALL} FROM jobs ORDER BY rowid DESC LIMIT @limit`,
} as const;

/** {@link JobStore} on SQLite. */
export class JobRepository implements JobStore {
  readonly #insert;
  readonly #find;
  readonly #findByIdempotencyKey;
  readonly #markRunning;
  readonly #markDelivering;
  readonly #renewLease;
  readonly #settle;
  readonly #unsettled;
  readonly #listByAccount;
  readonly #list;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<[JobRow]>(jobSql.insert);
    this.#find = db.prepare<[{ id: string }], JobRow>(jobSql.find);
    this.#findByIdempotencyKey = db.prepare<[{ key: string }], JobRow>(jobSql.findByIdempotencyKey);
    this.#markRunning = db.prepare<[{ id: string; at: number }], JobRow>(jobSql.markRunning);
    this.#markDelivering = db.prepare<[{ id: string; outputs: string }], JobRow>(jobSql.markDelivering);
    this.#renewLease = db.prepare<[{ id: string; until: number }]>(jobSql.renewLease);
    this.#settle = db.prepare<[SettleParams]>(jobSql.settle);
    this.#unsettled = db.prepare<[], JobRow>(jobSql.unsettled);
    this.#listByAccount = db.prepare<[{ accountKey: string; limit: number }], JobRow>(jobSql.listByAccount);
    this.#list = db.prepare<[{ limit: number }], JobRow>(jobSql.list);
  }

  insert(job: NewJob): void {
    this.#insert.run(
      toRow({ ...job, captured: 0, errorCode: null, errorMessage: null, outputs: [], startedAt: null, finishedAt: null }),
    );
  }

  find(id: string): Job | undefined {
    const row = this.#find.get({ id });
    return row && toJob(row);
  }

  findByIdempotencyKey(key: string): Job | undefined {
    const row = this.#findByIdempotencyKey.get({ key });
    return row && toJob(row);
  }

  markRunning(id: string, at: number): Job | undefined {
    const row = this.#markRunning.get({ id, at });
    return row && toJob(row);
  }

  markDelivering(id: string, outputs: readonly StoredOutput[]): Job | undefined {
    const row = this.#markDelivering.get({ id, outputs: writeJson(outputs) });
    return row && toJob(row);
  }

  renewLeases(ids: readonly string[], until: number): void {
    for (const id of ids) this.#renewLease.run({ id, until });
  }

  settle(id: string, settlement: JobSettlement): boolean {
    const { changes } = this.#settle.run({
      id,
      status: settlement.status,
      captured: settlement.captured,
      error_code: settlement.errorCode,
      error_message: settlement.errorMessage,
      outputs: writeJson(settlement.outputs),
      finished_at: settlement.finishedAt,
    });
    return changes === 1;
  }

  unsettled(): Job[] {
    return this.#unsettled.all().map(toJob);
  }

  list(filter: { accountKey?: string; limit: number }): Job[] {
    const rows =
      filter.accountKey === undefined
        ? this.#list.all({ limit: filter.limit })
        : this.#listByAccount.all({ accountKey: filter.accountKey, limit: filter.limit });
    return rows.map(toJob);
  }
}
