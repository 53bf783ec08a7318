/**
 * One SQLite connection shared by asynchronous transactions: while one is open, nothing else on
 * the connection may land inside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/storePorts.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { TransactionGate } from '../../../src/db/sqlite/TransactionGate.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';

let dir: string;
let db: SqliteDatabase;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ni-gate-'));
  db = openDatabase(join(dir, 'gate.db'));
  db.exec('CREATE TABLE t (n INTEGER NOT NULL) STRICT');
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A table and a port over it, as the repositories are: synchronous statements behind promises. */
class Rows {
  readonly #insert;
  readonly #all;
  constructor(connection: SqliteDatabase) {
    this.#insert = connection.prepare<[number]>('INSERT INTO t (n) VALUES (?)');
    this.#all = connection.prepare<[], { n: number }>('SELECT n FROM t ORDER BY rowid').pluck();
  }
  insert(n: number): Promise<void> {
    this.#insert.run(n);
    return Promise.resolve();
  }
  all(): Promise<number[]> {
    return Promise.resolve(this.#all.all() as unknown as number[]);
  }
}

describe('TransactionGate', () => {
  it('runs a statement at once, in the same step, when no transaction is open', () => {
    const gate = new TransactionGate(db);
    const rows = gate.guard(new Rows(db));
    void rows.insert(1);
    // Not deferred to a later turn: the row is there before anything awaited.
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });

  it('makes a statement outside the open transaction wait for it to end, so a rollback does not take it along', async () => {
    const gate = new TransactionGate(db);
    const raw = new Rows(db);
    const rows = gate.guard(raw);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const tx = gate.transaction(async () => {
      await raw.insert(1);
      order.push('tx wrote');
      await held;
      throw new Error('rolled back');
    });
    const outside = rows.insert(2).then(() => order.push('outside wrote'));
    await tick();
    // Still waiting: the transaction is open.
    expect(order).toEqual(['tx wrote']);
    expect(db.inTransaction).toBe(true);
    release();
    await expect(tx).rejects.toThrow('rolled back');
    await outside;
    expect(order).toEqual(['tx wrote', 'outside wrote']);
    expect(await rows.all()).toEqual([2]);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls every write of a failing transaction back and rethrows; the connection is usable after', async () => {
    const gate = new TransactionGate(db);
    const raw = new Rows(db);
    await expect(
      gate.transaction(async () => {
        await raw.insert(1);
        await tick();
        await raw.insert(2);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(db.inTransaction).toBe(false);
    expect(await raw.all()).toEqual([]);
    // A constraint error inside (here: a STRICT type error) rolls back the same way.
    await expect(
      gate.transaction(async () => {
        await raw.insert(3);
        db.prepare("INSERT INTO t (n) VALUES ('three')").run();
      }),
    ).rejects.toThrow(/cannot store TEXT value in INTEGER column/);
    expect(await raw.all()).toEqual([]);
    expect(await gate.transaction(async () => (await raw.insert(4), 'done'))).toBe('done');
    expect(await raw.all()).toEqual([4]);
  });

  it('runs transactions one after another, never interleaved, in the order they were asked for', async () => {
    const gate = new TransactionGate(db);
    const raw = new Rows(db);
    const events: string[] = [];
    const run = (name: string, n: number) =>
      gate.transaction(async () => {
        events.push(`${name} begins`);
        await raw.insert(n);
        await tick();
        await raw.insert(n + 1);
        events.push(`${name} ends`);
        return name;
      });
    expect(await Promise.all([run('a', 10), run('b', 20), run('c', 30)])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
    expect(await raw.all()).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it('keeps the next transaction waiting behind one that fails, then runs it', async () => {
    const gate = new TransactionGate(db);
    const raw = new Rows(db);
    const failing = gate.transaction(async () => {
      await raw.insert(1);
      await tick();
      throw new Error('first fails');
    });
    const next = gate.transaction(async () => {
      await raw.insert(2);
      return raw.all();
    });
    await expect(failing).rejects.toThrow('first fails');
    expect(await next).toEqual([2]);
  });

  it('idle() resolves once the open transaction ended', async () => {
    const gate = new TransactionGate(db);
    await gate.idle();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = gate.transaction(() => held);
    let idle = false;
    const waiting = gate.idle().then(() => (idle = true));
    await tick();
    expect(idle).toBe(false);
    release();
    await tx;
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('the SQLite store', () => {
  let store: Store;
  beforeEach(() => {
    store = createSqliteStore(db);
  });

  it('serialises concurrent credit movements on one connection: none is lost', async () => {
    await store.accounts.insert({ key: 'cli:a', platform: 'cli', displayName: null, balance: 0, held: 0, createdAt: 0, updatedAt: 0 });
    // Read, wait, write: without the gate the second read would see the first's uncommitted row and
    // the two would share one transaction.
    const add = (n: number) =>
      store.transaction(async (tx) => {
        const account = (await tx.accounts.lock('cli:a'))!;
        await tick();
        return tx.accounts.change('cli:a', n, 0, account.updatedAt + 1);
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => add(i + 1)));
    expect(await store.accounts.find('cli:a')).toMatchObject({ balance: 210, updatedAt: 20 });
  });

  it('close() lets the open transaction finish first', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = store.transaction(async (t) => {
      await held;
      await t.accounts.insert({ key: 'cli:late', platform: 'cli', displayName: null, balance: 1, held: 0, createdAt: 0, updatedAt: 0 });
    });
    const closing = store.close();
    await tick();
    expect(db.open).toBe(true);
    release();
    await tx;
    await closing;
    expect(db.open).toBe(false);
    const reopened = openDatabase(join(dir, 'gate.db'));
    try {
      expect(reopened.prepare("SELECT balance FROM accounts WHERE key = 'cli:late'").pluck().get()).toBe(1);
    } finally {
      reopened.close();
    }
  });
});
