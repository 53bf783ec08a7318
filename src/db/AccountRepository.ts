import { AppError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import type { AccountStore } from '../core/storePorts.js';
import type { Platform } from '../core/vocabulary.js';
import type { SqliteDatabase } from './types.js';

/** A row of {@link COLUMNS}, read with `raw()`: arrays are cheaper to build than objects. */
type AccountRow = [
  key: string,
  platform: Platform,
  displayName: string | null,
  balance: number,
  held: number,
  createdAt: number,
  updatedAt: number,
];

const COLUMNS = 'key, platform, display_name, balance, held, created_at, updated_at';

/**
 * The SQL this repository runs, exported so tests can check its query plans. Parameters are
 * positional (binding by name costs a property lookup per parameter on every call).
 */
export const accountSql = {
  find: `SELECT ${COLUMNS} FROM accounts WHERE key = ?`,
  insert: `INSERT INTO accounts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  // RETURNING hands back the row as changed: no second statement to read it.
  change: `UPDATE accounts SET balance = balance + ?, held = held + ?, updated_at = ? WHERE key = ? RETURNING ${COLUMNS}`,
  totalHeld: 'SELECT COALESCE(SUM(held), 0) FROM accounts',
} as const;

/** {@link AccountStore} on SQLite. */
export class AccountRepository implements AccountStore {
  readonly #find;
  readonly #insert;
  readonly #change;
  readonly #totalHeld;

  constructor(db: SqliteDatabase) {
    this.#find = db.prepare<[key: string], AccountRow>(accountSql.find).raw();
    this.#insert = db.prepare<AccountRow>(accountSql.insert);
    this.#change = db
      .prepare<[delta: number, heldDelta: number, at: number, key: string], AccountRow>(accountSql.change)
      .raw();
    this.#totalHeld = db.prepare<[], number>(accountSql.totalHeld).pluck();
  }

  find(key: string): Account | undefined {
    const row = this.#find.get(key);
    return row && toAccount(row);
  }

  insert(account: Account): void {
    this.#insert.run(
      account.key,
      account.platform,
      account.displayName,
      account.balance,
      account.held,
      account.createdAt,
      account.updatedAt,
    );
  }

  change(key: string, delta: number, heldDelta: number, at: number): Account {
    const row = this.#change.get(delta, heldDelta, at, key);
    if (!row) throw new AppError('account_not_found', `No account "${key}" to change.`);
    return toAccount(row);
  }

  totalHeld(): number {
    return this.#totalHeld.get() ?? 0;
  }
}

function toAccount([key, platform, displayName, balance, held, createdAt, updatedAt]: AccountRow): Account {
  return { key, platform, displayName, balance, held, createdAt, updatedAt };
}
