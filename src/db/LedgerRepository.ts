import type { LedgerEntry, LedgerKind, LedgerStore, NewLedgerEntry } from '../core/store.js';
import type { SqliteDatabase } from './types.js';

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

/** The SQL this repository runs, exported so tests can check its query plans. */
export const ledgerSql = {
  append:
    'INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, actor, reason, at) ' +
    'VALUES (@account_key, @kind, @delta, @held_delta, @job_id, @actor, @reason, @at)',
  recent:
    'SELECT id, account_key, kind, delta, held_delta, job_id, actor, reason, at FROM ledger ' +
    'WHERE account_key = @accountKey ORDER BY id DESC LIMIT @limit',
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
    this.#append = db.prepare<Omit<LedgerRow, 'id'>>(ledgerSql.append);
    this.#recent = db.prepare<{ accountKey: string; limit: number }, LedgerRow>(ledgerSql.recent);
    this.#sums = db.prepare<[], { accountKey: string; delta: number; heldDelta: number }>(ledgerSql.sums);
  }

  append(entry: NewLedgerEntry): void {
    this.#append.run({
      account_key: entry.accountKey,
      kind: entry.kind,
      delta: entry.delta,
      held_delta: entry.heldDelta,
      job_id: entry.jobId,
      actor: entry.actor,
      reason: entry.reason,
      at: entry.at,
    });
  }

  recent(accountKey: string, limit: number): LedgerEntry[] {
    return this.#recent.all({ accountKey, limit }).map(toEntry);
  }

  sums(): { accountKey: string; delta: number; heldDelta: number }[] {
    return this.#sums.all();
  }
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
