import type { LedgerEntry, NewLedgerEntry } from '../../core/model.js';
import type { LedgerStore } from '../../core/storePorts.js';
import { ledgerRow, NEW_LEDGER_COLUMNS, toLedgerEntry, type LedgerRow, type NewLedgerRow } from '../rows.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const ledgerSql = {
  append: `INSERT INTO ledger (${columnList(NEW_LEDGER_COLUMNS)}) VALUES (${namedValues(NEW_LEDGER_COLUMNS)})`,
  recent: `SELECT id, ${columnList(NEW_LEDGER_COLUMNS)} FROM ledger WHERE account_key = @accountKey ORDER BY id DESC LIMIT @limit`,
} as const;

/** {@link LedgerStore} on SQLite. Rows are only inserted; triggers refuse updates and deletes. */
export class LedgerRepository implements LedgerStore {
  readonly #append;
  readonly #recent;

  constructor(db: SqliteDatabase) {
    this.#append = db.prepare<[NewLedgerRow]>(ledgerSql.append);
    this.#recent = db.prepare<[{ accountKey: string; limit: number }], LedgerRow>(ledgerSql.recent);
  }

  append(entry: NewLedgerEntry): Promise<void> {
    this.#append.run(ledgerRow(entry));
    return Promise.resolve();
  }

  recent(accountKey: string, limit: number): Promise<LedgerEntry[]> {
    return Promise.resolve(this.#recent.all({ accountKey, limit }).map(toLedgerEntry));
  }
}
