import { AppError } from '../../core/errors.js';
import type { Account } from '../../core/model.js';
import type { AccountStore } from '../../core/storePorts.js';
import { ACCOUNT_COLUMNS, accountRow, toAccount, type AccountRow } from '../rows.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

const ALL = columnList(ACCOUNT_COLUMNS);

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const accountSql = {
  find: `SELECT ${ALL} FROM accounts WHERE key = @key`,
  insert: `INSERT INTO accounts (${ALL}) VALUES (${namedValues(ACCOUNT_COLUMNS)})`,
  // RETURNING hands back the row as changed: no second statement to read it.
  change: `UPDATE accounts SET balance = balance + @delta, held = held + @heldDelta, updated_at = @at WHERE key = @key RETURNING ${ALL}`,
  totalHeld: 'SELECT COALESCE(SUM(held), 0) FROM accounts',
} as const;

/**
 * {@link AccountStore} on SQLite. The statements run synchronously; the promises are for the port.
 * `lock` is `find`: a transaction already holds the database's write lock.
 */
export class AccountRepository implements AccountStore {
  readonly #find;
  readonly #insert;
  readonly #change;
  readonly #totalHeld;

  constructor(db: SqliteDatabase) {
    this.#find = db.prepare<[{ key: string }], AccountRow>(accountSql.find);
    this.#insert = db.prepare<[AccountRow]>(accountSql.insert);
    this.#change = db.prepare<[{ key: string; delta: number; heldDelta: number; at: number }], AccountRow>(accountSql.change);
    this.#totalHeld = db.prepare<[], number>(accountSql.totalHeld).pluck();
  }

  find(key: string): Promise<Account | undefined> {
    const row = this.#find.get({ key });
    return Promise.resolve(row && toAccount(row));
  }

  lock(key: string): Promise<Account | undefined> {
    return this.find(key);
  }

  insert(account: Account): Promise<void> {
    this.#insert.run(accountRow(account));
    return Promise.resolve();
  }

  change(key: string, delta: number, heldDelta: number, at: number): Promise<Account> {
    const row = this.#change.get({ key, delta, heldDelta, at });
    if (!row) throw new AppError('account_not_found', `No account "${key}" to change.`);
    return Promise.resolve(toAccount(row));
  }

  totalHeld(): Promise<number> {
    return Promise.resolve(this.#totalHeld.get() ?? 0);
  }
}
