import type { LedgerEntry, NewLedgerEntry } from '../../core/model.js';
import type { LedgerStore } from '../../core/storePorts.js';
import { ledgerRow, NEW_LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from '../rows.js';
import type { Queryable } from './queryable.js';
import { columnList, placeholders, valuesOf } from './sql.js';

/** The SQL this repository runs, exported so tests can check its plans. Parameters are positional. */
export const ledgerSql = {
  append: `INSERT INTO ledger (${columnList(NEW_LEDGER_COLUMNS)}) VALUES (${placeholders(NEW_LEDGER_COLUMNS.length)})`,
  // Newest first is id order: identities only grow. Read backwards off ledger_account (account_key, id).
  recent: `SELECT id, ${columnList(NEW_LEDGER_COLUMNS)} FROM ledger WHERE account_key = $1 ORDER BY id DESC LIMIT $2`,
} as const;

/** {@link LedgerStore} on PostgreSQL. Rows are only inserted; triggers refuse updates and deletes. */
export class LedgerRepository implements LedgerStore {
  readonly #q: Queryable;

  constructor(q: Queryable) {
    this.#q = q;
  }

  async append(entry: NewLedgerEntry): Promise<void> {
    await this.#q.query(ledgerSql.append, valuesOf(ledgerRow(entry), NEW_LEDGER_COLUMNS));
  }

  async recent(accountKey: string, limit: number): Promise<LedgerEntry[]> {
    const { rows } = await this.#q.query<LedgerRow>(ledgerSql.recent, [accountKey, limit]);
    return rows.map(toLedgerEntry);
  }
}
