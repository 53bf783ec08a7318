import type { SqliteDatabase } from './types.js';

/**
 * One SQLite connection shared by asynchronous transactions. better-sqlite3 runs each statement
 * synchronously, but a transaction's callback awaits between statements, and any other code that
 * ran on the connection meanwhile would land inside the open transaction (and be rolled back with
 * it). So a transaction takes the gate; statements outside transactions and later transactions wait
 * until it is free. While the gate is free a statement runs at once, with no extra turn of the loop.
 */
export class TransactionGate {
  readonly #begin;
  readonly #commit;
  readonly #rollback;
  readonly #db: SqliteDatabase;
  /** Resolves when the open transaction ends; undefined while none is open. */
  #open: Promise<void> | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    // BEGIN IMMEDIATE takes the write lock up front: two processes that both read and then write would
    // otherwise deadlock on the lock upgrade, and one would fail with SQLITE_BUSY despite busy_timeout.
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
  }

  /** Runs `fn` in one write transaction; an exception rolls it back and is rethrown. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#open) await this.#open;
    let end!: () => void;
    this.#open = new Promise((resolve) => (end = resolve));
    try {
      this.#begin.run();
      try {
        const result = await fn();
        this.#commit.run();
        return result;
      } catch (error) {
        // A failed COMMIT or a constraint error may have ended the transaction already.
        if (this.#db.inTransaction) this.#rollback.run();
        throw error;
      }
    } finally {
      this.#open = undefined;
      end();
    }
  }

  /** Resolves once no transaction is open. */
  async idle(): Promise<void> {
    while (this.#open) await this.#open;
  }

  /**
   * The same object whose methods, called outside a transaction, wait for an open one to end first.
   * Every method must return a promise.
   */
  guard<T extends object>(target: T): T {
    const guarded: Record<string, unknown> = {};
    for (const name of methodNames(target)) {
      const method = (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!.bind(target);
      // Checked again when the open transaction ends, in the same step as the call: another
      // transaction may have taken the gate first.
      const call = (...args: unknown[]): Promise<unknown> => (this.#open ? this.#open.then(() => call(...args)) : method(...args));
      guarded[name] = call;
    }
    return guarded as T;
  }
}

/**
 * The same object whose methods reject instead of throwing: the repositories run their statements
 * synchronously, and a constraint error must reach the caller as the port promises it, a rejection.
 */
export function rejecting<T extends object>(target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const name of methodNames(target)) {
    const method = (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!.bind(target);
    wrapped[name] = (...args: unknown[]): Promise<unknown> => {
      try {
        return method(...args);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }
  return wrapped as T;
}

/** The methods of a repository (its class's) or of a wrapper made here (its own properties). */
function methodNames(target: object): string[] {
  const prototype = Object.getPrototypeOf(target) as object;
  const source = prototype === Object.prototype ? target : prototype;
  return Object.getOwnPropertyNames(source).filter(
    (name) => name !== 'constructor' && typeof (source as Record<string, unknown>)[name] === 'function',
  );
}
