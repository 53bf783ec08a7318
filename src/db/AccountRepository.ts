import { AppError } from '../core/errors.js';
import type { Account, AccountStore, Platform } from '../core/store.js';
import type { SqliteDatabase } from './types.js';

interface AccountRow {
  key: string;
  platform: Platform;
  display_name: string | null;
  balance: number;
  held: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'key, platform, display_name, balance, held, created_at, updated_at';

/** The SQL this repository runs, exported so tests can check its query plans. */
export const accountSql = {
  find: `SELECT ${COLUMNS} FROM accounts WHERE key = @key`,
  insert:
    `INSERT INTO accounts (${COLUMNS}) ` +
    'VALUES (@key, @platform, @display_name, @balance, @held, @created_at, @updated_at)',
  change:
    'UPDATE accounts SET balance = balance + @delta, held = held + @heldDelta, updated_at = @at WHERE key = @key',
  totalHeld: 'SELECT COALESCE(SUM(held), 0) AS total FROM accounts',
} as const;

/** {@link AccountStore} on SQLite. */
export class AccountRepository implements AccountStore {
  readonly #find;
  readonly #insert;
  readonly #change;
  readonly #totalHeld;

  constructor(db: SqliteDatabase) {
    this.#find = db.prepare<{ key: string }, AccountRow>(accountSql.find);
    this.#insert = db.prepare<AccountRow>(accountSql.insert);
    this.#change = db.prepare<{ key: string; delta: number; heldDelta: number; at: number }>(accountSql.change);
    this.#totalHeld = db.prepare<[], { total: number }>(accountSql.totalHeld);
  }

  find(key: string): Account | undefined {
    const row = this.#find.get({ key });
    return row && toAccount(row);
  }

  insert(account: Account): void {
    this.#insert.run({
      key: account.key,
      platform: account.platform,
      display_name: account.displayName,
      balance: account.balance,
      held: account.held,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
    });
  }

  change(key: string, delta: number, heldDelta: number, at: number): void {
    const { changes } = this.#change.run({ key, delta, heldDelta, at });
    if (changes !== 1) throw new AppError('account_not_found', `No account "${key}" to change.`);
  }

  totalHeld(): number {
    return this.#totalHeld.get()?.total ?? 0;
  }
}

function toAccount(row: AccountRow): Account {
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
