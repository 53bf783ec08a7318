import type { ProviderId } from '../core/providers/types.js';
import type {
  Job,
  JobKind,
  JobSettlement,
  JobStatus,
  JobStore,
  NewJob,
  Platform,
  StoredOutput,
  StoredRequest,
} from '../core/store.js';
import { readJson, writeJson } from './json.js';
import type { SqliteDatabase } from './types.js';

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
  error_code: string | null;
  error_message: string | null;
  outputs: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

type InsertParams = Omit<JobRow, 'captured' | 'error_code' | 'error_message' | 'outputs' | 'started_at' | 'finished_at'>;

interface SettleParams {
  id: string;
  status: JobSettlement['status'];
  captured: number;
  error_code: string | null;
  error_message: string | null;
  outputs: string;
  model: string | null;
  finished_at: number;
}

const COLUMNS =
  'id, idempotency_key, account_key, platform, destination, kind, parent_id, request, provider, model, ' +
  'unit_cost, cost, held, captured, status, error_code, error_message, outputs, created_at, started_at, finished_at';

/** The SQL this repository runs, exported so tests can check its query plans. */
export const jobSql = {
  insert:
    'INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, parent_id, request, ' +
    'provider, model, unit_cost, cost, held, status, created_at) VALUES (@id, @idempotency_key, @account_key, ' +
    '@platform, @destination, @kind, @parent_id, @request, @provider, @model, @unit_cost, @cost, @held, @status, ' +
    '@created_at)',
  find: `SELECT ${COLUMNS} FROM jobs WHERE id = @id`,
  findByIdempotencyKey: `SELECT ${COLUMNS} FROM jobs WHERE idempotency_key = @key`,
  markRunning: "UPDATE jobs SET status = 'running', started_at = @at WHERE id = @id AND status = 'queued'",
  // The status guard makes settlement exactly-once even if a caller skipped its own check.
  settle:
    'UPDATE jobs SET status = @status, held = 0, captured = @captured, error_code = @error_code, ' +
    'error_message = @error_message, outputs = @outputs, model = COALESCE(@model, model), ' +
    "finished_at = @finished_at WHERE id = @id AND status IN ('queued', 'running')",
  // One statement for any set of statuses: the list travels as a JSON array.
  withStatus:
    `SELECT ${COLUMNS} FROM jobs WHERE status IN (SELECT value FROM json_each(@statuses)) ` +
    'ORDER BY created_at, rowid',
  listByAccount:
    `SELECT ${COLUMNS} FROM jobs WHERE account_key = @accountKey ` +
    'ORDER BY created_at DESC, rowid DESC LIMIT @limit',
  list: `SELECT ${COLUMNS} FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
} as const;

/** {@link JobStore} on SQLite. JSON columns are parsed and serialized here. */
export class JobRepository implements JobStore {
  readonly #insert;
  readonly #find;
  readonly #findByIdempotencyKey;
  readonly #markRunning;
  readonly #settle;
  readonly #withStatus;
  readonly #listByAccount;
  readonly #list;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<InsertParams>(jobSql.insert);
    this.#find = db.prepare<{ id: string }, JobRow>(jobSql.find);
    this.#findByIdempotencyKey = db.prepare<{ key: string }, JobRow>(jobSql.findByIdempotencyKey);
    this.#markRunning = db.prepare<{ id: string; at: number }>(jobSql.markRunning);
    this.#settle = db.prepare<SettleParams>(jobSql.settle);
    this.#withStatus = db.prepare<{ statuses: string }, JobRow>(jobSql.withStatus);
    this.#listByAccount = db.prepare<{ accountKey: string; limit: number }, JobRow>(jobSql.listByAccount);
    this.#list = db.prepare<{ limit: number }, JobRow>(jobSql.list);
  }

  insert(job: NewJob): void {
    this.#insert.run({
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
      status: job.status,
      created_at: job.createdAt,
    });
  }

  find(id: string): Job | undefined {
    const row = this.#find.get({ id });
    return row && toJob(row);
  }

  findByIdempotencyKey(key: string): Job | undefined {
    const row = this.#findByIdempotencyKey.get({ key });
    return row && toJob(row);
  }

  markRunning(id: string, at: number): boolean {
    return this.#markRunning.run({ id, at }).changes === 1;
  }

  settle(id: string, settlement: JobSettlement): boolean {
    const { changes } = this.#settle.run({
      id,
      status: settlement.status,
      captured: settlement.captured,
      error_code: settlement.errorCode,
      error_message: settlement.errorMessage,
      outputs: writeJson(settlement.outputs),
      model: settlement.model ?? null,
      finished_at: settlement.finishedAt,
    });
    return changes === 1;
  }

  withStatus(statuses: readonly JobStatus[]): Job[] {
    return this.#withStatus.all({ statuses: writeJson(statuses) }).map(toJob);
  }

  list(filter: { accountKey?: string; limit: number }): Job[] {
    const rows =
      filter.accountKey === undefined
        ? this.#list.all({ limit: filter.limit })
        : this.#listByAccount.all({ accountKey: filter.accountKey, limit: filter.limit });
    return rows.map(toJob);
  }
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
  };
}
