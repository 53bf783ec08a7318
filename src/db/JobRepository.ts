import type { ProviderId } from '../core/vocabulary.js';
import { isUnsettled, type Job, type JobKind, type JobStatus, type NewJob, type StoredOutput, type StoredRequest } from '../core/model.js';
import type { JobSettlement, JobStore } from '../core/storePorts.js';
import type { Platform } from '../core/vocabulary.js';
import { readJson, writeJson } from './json.js';
import type { SqliteDatabase } from './types.js';

/** A row of {@link COLUMNS}, read with `raw()`: arrays are cheaper to build than objects. */
type JobRow = [
  id: string,
  idempotencyKey: string,
  accountKey: string,
  platform: Platform,
  destination: string,
  kind: JobKind,
  parentId: string | null,
  request: string,
  provider: ProviderId,
  model: string,
  unitCost: number,
  cost: number,
  held: number,
  captured: number,
  status: JobStatus,
  errorCode: string | null,
  errorMessage: string | null,
  outputs: string,
  createdAt: number,
  startedAt: number | null,
  finishedAt: number | null,
];

type InsertParams = [
  id: string,
  idempotencyKey: string,
  accountKey: string,
  platform: Platform,
  destination: string,
  kind: JobKind,
  parentId: string | null,
  request: string,
  provider: ProviderId,
  model: string,
  unitCost: number,
  cost: number,
  held: number,
  status: JobStatus,
  createdAt: number,
];

type SettleParams = [
  status: JobSettlement['status'],
  captured: number,
  errorCode: string | null,
  errorMessage: string | null,
  outputs: string,
  model: string | null,
  finishedAt: number,
  id: string,
];

const COLUMNS =
  'id, idempotency_key, account_key, platform, destination, kind, parent_id, request, provider, model, ' +
  'unit_cost, cost, held, captured, status, error_code, error_message, outputs, created_at, started_at, finished_at';

/**
 * The SQL this repository runs, exported so tests can check its query plans. Parameters are
 * positional (binding by name costs a property lookup per parameter on every call).
 */
export const jobSql = {
  insert:
    'INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, parent_id, request, ' +
    'provider, model, unit_cost, cost, held, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  find: `SELECT ${COLUMNS} FROM jobs WHERE id = ?`,
  findByIdempotencyKey: `SELECT ${COLUMNS} FROM jobs WHERE idempotency_key = ?`,
  markRunning: "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
  // The status guard makes settlement exactly-once even if a caller skipped its own check.
  settle:
    'UPDATE jobs SET status = ?, held = 0, captured = ?, error_code = ?, error_message = ?, outputs = ?, ' +
    "model = COALESCE(?, model), finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
  // Queued and running jobs, oldest first, from the partial index jobs_unsettled: the WHERE repeats
  // the index's condition word for word, which is what lets SQLite use it. The statuses travel as a
  // JSON array.
  unsettled:
    `SELECT ${COLUMNS} FROM jobs WHERE status IN ('queued', 'running') ` +
    'AND status IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
  // Any other set of statuses (the product asks for none: no index, so it reads the whole table).
  withStatus:
    `SELECT ${COLUMNS} FROM jobs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid`,
  // Newest first is insertion order: rowids only grow.
  listByAccount: `SELECT ${COLUMNS} FROM jobs WHERE account_key = ? ORDER BY rowid DESC LIMIT ?`,
  list: `SELECT ${COLUMNS} FROM jobs ORDER BY rowid DESC LIMIT ?`,
} as const;

/** {@link JobStore} on SQLite. JSON columns are parsed and serialized here. */
export class JobRepository implements JobStore {
  readonly #insert;
  readonly #find;
  readonly #findByIdempotencyKey;
  readonly #markRunning;
  readonly #settle;
  readonly #unsettled;
  readonly #withStatus;
  readonly #listByAccount;
  readonly #list;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<InsertParams>(jobSql.insert);
    this.#find = db.prepare<[id: string], JobRow>(jobSql.find).raw();
    this.#findByIdempotencyKey = db.prepare<[key: string], JobRow>(jobSql.findByIdempotencyKey).raw();
    this.#markRunning = db.prepare<[at: number, id: string]>(jobSql.markRunning);
    this.#settle = db.prepare<SettleParams>(jobSql.settle);
    this.#unsettled = db.prepare<[statuses: string], JobRow>(jobSql.unsettled).raw();
    this.#withStatus = db.prepare<[statuses: string], JobRow>(jobSql.withStatus).raw();
    this.#listByAccount = db.prepare<[accountKey: string, limit: number], JobRow>(jobSql.listByAccount).raw();
    this.#list = db.prepare<[limit: number], JobRow>(jobSql.list).raw();
  }

  insert(job: NewJob): void {
    this.#insert.run(
      job.id,
      job.idempotencyKey,
      job.accountKey,
      job.platform,
      writeJson(job.destination),
      job.kind,
      job.parentId,
      writeJson(job.request),
      job.provider,
      job.model,
      job.unitCost,
      job.cost,
      job.held,
      job.status,
      job.createdAt,
    );
  }

  find(id: string): Job | undefined {
    const row = this.#find.get(id);
    return row && toJob(row);
  }

  findByIdempotencyKey(key: string): Job | undefined {
    const row = this.#findByIdempotencyKey.get(key);
    return row && toJob(row);
  }

  markRunning(id: string, at: number): boolean {
    return this.#markRunning.run(at, id).changes === 1;
  }

  settle(id: string, settlement: JobSettlement): boolean {
    const { changes } = this.#settle.run(
      settlement.status,
      settlement.captured,
      settlement.errorCode,
      settlement.errorMessage,
      writeJson(settlement.outputs),
      settlement.model ?? null,
      settlement.finishedAt,
      id,
    );
    return changes === 1;
  }

  withStatus(statuses: readonly JobStatus[]): Job[] {
    const unsettled = statuses.every((status) => isUnsettled({ status }));
    return (unsettled ? this.#unsettled : this.#withStatus).all(writeJson(statuses)).map(toJob);
  }

  list(filter: { accountKey?: string; limit: number }): Job[] {
    const rows =
      filter.accountKey === undefined
        ? this.#list.all(filter.limit)
        : this.#listByAccount.all(filter.accountKey, filter.limit);
    return rows.map(toJob);
  }
}

/** Indexes into {@link JobRow} follow {@link COLUMNS}. */
function toJob(row: JobRow): Job {
  return {
    id: row[0],
    idempotencyKey: row[1],
    accountKey: row[2],
    platform: row[3],
    destination: readJson<Record<string, unknown>>(row[4]),
    kind: row[5],
    parentId: row[6],
    request: readJson<StoredRequest>(row[7]),
    provider: row[8],
    model: row[9],
    unitCost: row[10],
    cost: row[11],
    held: row[12],
    captured: row[13],
    status: row[14],
    errorCode: row[15],
    errorMessage: row[16],
    outputs: readJson<StoredOutput[]>(row[17]),
    createdAt: row[18],
    startedAt: row[19],
    finishedAt: row[20],
  };
}
