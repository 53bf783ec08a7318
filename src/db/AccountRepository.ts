import { AppError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import type { AccountStore } from '../core/storePorts.js';
import type { Platform } from '../core/vocabulary.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

/** An `accounts` row as SQLite holds it. */
interface AccountRow {
  key: string;
  platform: Platform;
  display_name: string | null;
  balance: number;
  held: number;
  created_at: number;
  updated_at: number;
}

/** The row ↔ object mappers: adding a column touches these two functions and the row type. */
function toRow(account: Account): AccountRow {
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

const COLUMNS = ['key', 'platform', 'display_name', 'balance', 'held', 'created_at', 'updated_at'] as const satisfies readonly (keyof AccountRow)[];
const ALL = columnList(COLUMNS);

/** The SQL this repository runs, exported so tests can check its query plans. Parameters are named. */
export const accountSql = {
  find: `SELECT ${ALL} FROM accounts WHERE key = @key`,
  insert: `INSERT INTO accounts (${ALL}) VALUES (${namedValues(COLUMNS)})`,
  // RETURNING hands back the row as changed: no second statement to read it.
  change: `UPDATE accounts SET balance = balance + @delta, held = held + @heldDelta, updated_at = @at WHERE key = @key RETURNING ${ALL}`,
  totalHeld: 'SELECT COALESCE(SUM(held), 0) FROM accounts',
} as const;

/** {@link AccountStore} on SQLite. */
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

  find(key: string): Account | undefined {
    const row = this.#find.get({ key });
    return row && toAccount(row);
  }

  insert(account: Account): void {
    this.#insert.run(toRow(account));
  }

  change(key: string, delta: number, heldDelta: number, at: number): Account {
    const row = this.#change.get({ key, delta, heldDelta, at });
    if (!row) throw new AppError('account_not_found', `No account "${key}" to change.`);
    return toAccount(row);
  }

  totalHeld(): number {
    return this.#totalHeld.get() ?? 0;
  }
}
