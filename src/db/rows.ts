import type { JobFailureCode } from '../core/errorCodes.js';
import type {
  Account,
  Instance,
  Job,
  JobKind,
  JobStatus,
  LedgerEntry,
  LedgerKind,
  NewLedgerEntry,
  StoredOutput,
  StoredRequest,
} from '../core/model.js';
import type { Platform, ProviderId } from '../core/vocabulary.js';

/**
 * The rows both engines store, with their snake_case columns, and the row ↔ object mappers: adding a
 * column touches the row type, its two mappers and each engine's migration. JSON columns are text on
 * SQLite and jsonb on PostgreSQL (which hands them back parsed); {@link readJson} takes either.
 */

/**
 * Reads a JSON column. The schema checks it and only the repositories write these columns, from
 * typed values, so the shape is trusted rather than re-validated on every read.
 */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Writes a JSON column (both engines take JSON text). NUL characters are left out of strings:
 * PostgreSQL's jsonb refuses them, and no stored text means anything with one.
 */
export function writeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '') : v));
}

export interface AccountRow {
  key: string;
  platform: Platform;
  display_name: string | null;
  balance: number;
  held: number;
  created_at: number;
  updated_at: number;
}

export const ACCOUNT_COLUMNS = [
  'key', 'platform', 'display_name', 'balance', 'held', 'created_at', 'updated_at',
] as const satisfies readonly (keyof AccountRow)[];

export function accountRow(account: Account): AccountRow {
  return {
    key: account.key,
    platform: account.platform,
    display_name: account.displayName,
    balance: account.balance,
    held: account.held,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}

export function toAccount(row: AccountRow): Account {
  return {
    key: row.key,
    platform: row.platform,
    displayName: row.display_name,
    balance: row.balance,
    held: row.held,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface LedgerRow {
  id: number;
  account_key: string;
  kind: LedgerKind;
  delta: number;
  held_delta: number;
  job_id: string | null;
  actor: string | null;
  reason: string | null;
  at: number;
}
export type NewLedgerRow = Omit<LedgerRow, 'id'>;

export const NEW_LEDGER_COLUMNS = [
  'account_key', 'kind', 'delta', 'held_delta', 'job_id', 'actor', 'reason', 'at',
] as const satisfies readonly (keyof NewLedgerRow)[];

export function ledgerRow(entry: NewLedgerEntry): NewLedgerRow {
  return {
    account_key: entry.accountKey,
    kind: entry.kind,
    delta: entry.delta,
    held_delta: entry.heldDelta,
    job_id: entry.jobId,
    actor: entry.actor,
    reason: entry.reason,
    at: entry.at,
  };
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    accountKey: row.account_key,
    kind: row.kind,
    delta: row.delta,
    heldDelta: row.held_delta,
    jobId: row.job_id,
    actor: row.actor,
    reason: row.reason,
    at: row.at,
  };
}

/** A `jobs` row; JSON columns as written (text) or as read (text or parsed). */
export interface JobRow {
  id: string;
  idempotency_key: string;
  account_key: string;
  platform: Platform;
  destination: unknown;
  kind: JobKind;
  parent_id: string | null;
  request: unknown;
  provider: ProviderId;
  model: string;
  unit_cost: number;
  cost: number;
  held: number;
  captured: number;
  status: JobStatus;
  error_code: JobFailureCode | null;
  error_message: string | null;
  outputs: unknown;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  owner: string | null;
  notice: string | null;
}

export const JOB_COLUMNS = [
  'id', 'idempotency_key', 'account_key', 'platform', 'destination', 'kind', 'parent_id', 'request', 'provider',
  'model', 'unit_cost', 'cost', 'held', 'captured', 'status', 'error_code', 'error_message', 'outputs',
  'created_at', 'started_at', 'finished_at', 'owner', 'notice',
] as const satisfies readonly (keyof JobRow)[];

export function jobRow(job: Job): JobRow {
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
    owner: job.owner,
    notice: job.notice,
  };
}

export function toJob(row: JobRow): Job {
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
    owner: row.owner,
    notice: row.notice,
  };
}

export interface InstanceRow {
  id: string;
  role: Instance['role'];
  host: string;
  pid: number;
  started_at: number;
  lease_until: number;
}

export const INSTANCE_COLUMNS = ['id', 'role', 'host', 'pid', 'started_at', 'lease_until'] as const satisfies readonly (keyof InstanceRow)[];

export function instanceRow(instance: Instance): InstanceRow {
  return {
    id: instance.id,
    role: instance.role,
    host: instance.host,
    pid: instance.pid,
    started_at: instance.startedAt,
    lease_until: instance.leaseUntil,
  };
}

export function toInstance(row: InstanceRow): Instance {
  return { id: row.id, role: row.role, host: row.host, pid: row.pid, startedAt: row.started_at, leaseUntil: row.lease_until };
}
