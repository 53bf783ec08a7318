import type { LedgerEntry, LedgerKind, NewLedgerEntry } from '../core/model.js';
import type { LedgerStore } from '../core/storePorts.js';
import type { SqliteDatabase } from './types.js';

/** A row of {@link COLUMNS}, read with `raw()`: arrays are cheaper to build than objects. */
type LedgerRow = [
  id: number,
  accountKey: string,
  kind: LedgerKind,
  delta: number,
  heldDelta: number,
  jobId: string | null,
  actor: string | null,
  reason: string | null,
  at: number,
];
type AppendParams = LedgerRow extends [number, ...infer Rest] ? Rest : never;

const COLUMNS = 'id, account_key, kind, delta, held_delta, job_id, actor, reason, at';

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are positional. */
export const ledgerSql = {
  append:
    'INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  recent: `SELECT ${COLUMNS} FROM ledger WHERE account_key = ? ORDER BY id DESC LIMIT ?`,
  sums:
    'SELECT account_key AS accountKey, SUM(delta) AS delta, SUM(held_delta) AS heldDelta ' +
    'FROM ledger GROUP BY account_key ORDER BY account_key',
} as const;

/** {@link LedgerStore} on SQLite. Rows are only inserted; triggers refuse updates and deletes. */
export class LedgerRepository implements LedgerStore {
  readonly #append;
  readonly #recent;
  readonly #sums;

  constructor(db: SqliteDatabase) {
    this.#append = db.prepare<AppendParams>(ledgerSql.append);
    this.#recent = db.prepare<[accountKey: string, limit: number], LedgerRow>(ledgerSql.recent).raw();
    this.#sums = db.prepare<[], { accountKey: string; delta: number; heldDelta: number }>(ledgerSql.sums);
  }

  append(entry: NewLedgerEntry): void {
    this.#append.run(
      entry.accountKey,
      entry.kind,
      entry.delta,
      entry.heldDelta,
      entry.jobId,
      entry.actor,
      entry.reason,
      entry.at,
    );
  }

  recent(accountKey: string, limit: number): LedgerEntry[] {
    return this.#recent.all(accountKey, limit).map(toEntry);
  }

  sums(): { accountKey: string; delta: number; heldDelta: number }[] {
    return this.#sums.all();
  }
}

function toEntry([id, accountKey, kind, delta, heldDelta, jobId, actor, reason, at]: LedgerRow): LedgerEntry {
  return { id, accountKey, kind, delta, heldDelta, jobId, actor, reason, at };
}
