import { AppError } from '../../core/errors.js';
import type { Account } from '../../core/model.js';
import type { AccountStore } from '../../core/storePorts.js';
import { ACCOUNT_COLUMNS, accountRow, toAccount, type AccountRow } from '../rows.js';
import type { Queryable } from './queryable.js';
import { columnList, placeholders, valuesOf } from './sql.js';

const ALL = columnList(ACCOUNT_COLUMNS);

/** The SQL this repository runs, exported so tests can check its plans. Parameters are positional. */
export const accountSql = {
  find: `SELECT ${ALL} FROM accounts WHERE key = $1`,
  // FOR NO KEY UPDATE is the lock UPDATE itself takes: it queues every other lock() and change() of
  // the account behind this transaction, but not the foreign-key checks (FOR KEY SHARE) of jobs and
  // ledger rows inserted for it meanwhile. With FOR UPDATE, two transactions that each inserted a row
  // for the account and then locked it would deadlock. The key never changes, so nothing is lost.
  lock: `SELECT ${ALL} FROM accounts WHERE key = $1 FOR NO KEY UPDATE`,
  insert: `INSERT INTO accounts (${ALL}) VALUES (${placeholders(ACCOUNT_COLUMNS.length)})`,
  // RETURNING hands back the row as changed: no second statement to read it.
  change: `UPDATE accounts SET balance = balance + $2, held = held + $3, updated_at = $4 WHERE key = $1 RETURNING ${ALL}`,
  totalHeld: 'SELECT COALESCE(SUM(held), 0) AS total FROM accounts',
} as const;

/** {@link AccountStore} on PostgreSQL. */
export class AccountRepository implements AccountStore {
  readonly #q: Queryable;

  constructor(q: Queryable) {
    this.#q = q;
  }

  async find(key: string): Promise<Account | undefined> {
    const { rows } = await this.#q.query<AccountRow>(accountSql.find, [key]);
    return rows[0] && toAccount(rows[0]);
  }

  /** The row lock lasts until the transaction ends; outside one it is released at once. */
  async lock(key: string): Promise<Account | undefined> {
    const { rows } = await this.#q.query<AccountRow>(accountSql.lock, [key]);
    return rows[0] && toAccount(rows[0]);
  }

  async insert(account: Account): Promise<void> {
    await this.#q.query(accountSql.insert, valuesOf(accountRow(account), ACCOUNT_COLUMNS));
  }

  async change(key: string, delta: number, heldDelta: number, at: number): Promise<Account> {
    const { rows } = await this.#q.query<AccountRow>(accountSql.change, [key, delta, heldDelta, at]);
    if (!rows[0]) throw new AppError('account_not_found', `No account "${key}" to change.`);
    return toAccount(rows[0]);
  }

  async totalHeld(): Promise<number> {
    const { rows } = await this.#q.query<{ total: number }>(accountSql.totalHeld);
    return rows[0]?.total ?? 0;
  }
}
