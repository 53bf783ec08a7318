import type { LedgerEntry, LedgerKind, NewLedgerEntry } from '../core/model.js';
import type { LedgerStore } from '../core/storePorts.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

/** A `ledger` row as SQLite holds it. */
interface LedgerRow {
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
type NewLedgerRow = Omit<LedgerRow, 'id'>;

/** The row ↔ object mappers: adding a column touches these two functions and the row type. */
function toRow(entry: NewLedgerEntry): NewLedgerRow {
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

function toEntry(row: LedgerRow): LedgerEntry {
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

const NEW_COLUMNS = ['account_key', 'kind', 'delta', 'held_delta', 'job_id', 'actor', 'reason', 'at'] as const satisfies readonly (keyof NewLedgerRow)[];

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const ledgerSql = {
  append: `INSERT INTO ledger (${columnList(NEW_COLUMNS)}) VALUES (${namedValues(NEW_COLUMNS)})`,
  recent: `SELECT id, ${columnList(NEW_COLUMNS)} FROM ledger WHERE account_key = @accountKey ORDER BY id DESC LIMIT @limit`,
} as const;

/** {@link LedgerStore} on SQLite. Rows are only inserted; triggers refuse updates and deletes. */
export class LedgerRepository implements LedgerStore {
  readonly #append;
  readonly #recent;

  constructor(db: SqliteDatabase) {
    this.#append = db.prepare<[NewLedgerRow]>(ledgerSql.append);
    this.#recent = db.prepare<[{ accountKey: string; limit: number }], LedgerRow>(ledgerSql.recent);
  }

  append(entry: NewLedgerEntry): void {
    this.#append.run(toRow(entry));
  }

  recent(accountKey: string, limit: number): LedgerEntry[] {
    return this.#recent.all({ accountKey, limit }).map(toEntry);
  }
}
