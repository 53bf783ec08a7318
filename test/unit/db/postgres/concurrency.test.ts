import { afterEach, describe, expect, it } from 'vitest';
import type { Store, StoreTx } from '../../../../src/core/storePorts.js';
import { postgresAdmin } from '../../../../src/db/postgres/admin.js';
import { TRANSACTION_ATTEMPTS } from '../../../../src/db/postgres/transaction.js';
import { account, ALICE, BOB, grant, instance, job } from '../storeFixtures.js';
import { openTestStore, type TestStore } from './support.js';

let current: TestStore | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

async function open(maxConnections: number): Promise<TestStore> {
  current = await openTestStore({ maxConnections });
  return current;
}

/** Resolves once `parties` callers have reached it: makes a race happen rather than hope for it. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

/** What the credit service does to hold credits for a job: lock, check, move, record, in one transaction. */
function hold(store: Store, id: string, cost: number): Promise<boolean> {
  return store.transaction(async (tx) => {
    const locked = await tx.accounts.lock(ALICE);
    if (!locked || locked.balance < cost) return false;
    await tx.jobs.insert(job(id, { unitCost: cost, cost, held: cost }));
    await tx.accounts.change(ALICE, -cost, cost, 2);
    await tx.ledger.append({ accountKey: ALICE, kind: 'hold', delta: -cost, heldDelta: cost, jobId: id, actor: null, reason: null, at: 2 });
    return true;
  });
}

async function seed(store: Store, balance: number): Promise<void> {
  await store.accounts.insert(account(ALICE, { balance }));
  await store.ledger.append(grant(ALICE, balance));
}

describe('PostgreSQL transactions under concurrency', () => {
  it('never overdraw an account from many parallel holds, and keep Σledger = balance', async () => {
    const { store } = await open(8);
    await seed(store, 100);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => hold(store, `j${i}`, 7)));
    expect(results.filter(Boolean)).toHaveLength(14);
    expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 2, held: 98 });
    const sums = await store.pool.query('SELECT sum(delta) AS delta, sum(held_delta) AS held FROM ledger WHERE account_key = $1', [ALICE]);
    expect(sums.rows).toEqual([{ delta: 2, held: 98 }]);
    expect(await postgresAdmin(store).check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('keep holds from several processes (pools) on one account within its balance', async () => {
    const test = await open(4);
    const stores = [test.store, await test.another(), await test.another()];
    await seed(test.store, 50);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => hold(stores[i % 3]!, `j${i}`, 4)));
    expect(results.filter(Boolean)).toHaveLength(12);
    expect(await test.store.accounts.find(ALICE)).toMatchObject({ balance: 2, held: 48 });
    expect(await postgresAdmin(test.store).check()).toMatchObject({ invariant: [], jobs: [] });
  });

  it('settle a job once when two processes settle it at the same time', async () => {
    const test = await open(2);
    const other = await test.another();
    await seed(test.store, 10);
    expect(await hold(test.store, 'j1', 4)).toBe(true);
    const settle = (store: Store) =>
      store.transaction(async (tx) => {
        await tx.accounts.lock(ALICE);
        const settled = await tx.jobs.settle('j1', { status: 'succeeded', captured: 4, errorCode: null, errorMessage: null, outputs: [], finishedAt: 3 });
        if (!settled) return false;
        await tx.accounts.change(ALICE, 0, -4, 3);
        await tx.ledger.append({ accountKey: ALICE, kind: 'capture', delta: 0, heldDelta: -4, jobId: 'j1', actor: null, reason: null, at: 3 });
        return true;
      });
    expect((await Promise.all([settle(test.store), settle(other)])).sort()).toEqual([false, true]);
    expect(await postgresAdmin(test.store).check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('make one job of two racing inserts of the same idempotency key: the loser runs again and finds it', async () => {
    const test = await open(2);
    const other = await test.another();
    await seed(test.store, 10);
    const bothLooked = barrier(2);
    let attempts = 0;
    const submit = (store: Store, id: string) =>
      store.transaction(async (tx) => {
        attempts += 1;
        const existing = await tx.jobs.findByIdempotencyKey('same-key');
        if (existing) return { id: existing.id, created: false };
        if (attempts <= 2) await bothLooked();
        await tx.jobs.insert(job(id, { idempotencyKey: 'same-key' }));
        return { id, created: true };
      });
    const [a, b] = await Promise.all([submit(test.store, 'ja'), submit(other, 'jb')]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.id).toBe(b.id);
    expect(attempts).toBe(3);
    expect(await test.store.jobs.list({ limit: 10 })).toHaveLength(1);
  });

  it('make one account of two processes creating it at once', async () => {
    const test = await open(2);
    const other = await test.another();
    const bothLooked = barrier(2);
    const ensure = (store: Store, displayName: string) =>
      store.transaction(async (tx) => {
        const found = await tx.accounts.lock(BOB);
        if (found) return found.displayName;
        await bothLooked();
        await tx.accounts.insert(account(BOB, { displayName }));
        return displayName;
      });
    const names = await Promise.all([ensure(test.store, 'first'), ensure(other, 'second')]);
    expect(names[0]).toBe(names[1]);
    expect(await test.store.accounts.find(BOB)).toMatchObject({ displayName: names[0] });
  });

  it('run again both sides of a deadlock until each commits', async () => {
    const { store } = await open(2);
    await store.accounts.insert(account(ALICE));
    await store.accounts.insert(account(BOB));
    const bothLocked = barrier(2);
    let attempts = 0;
    const transfer = (first: string, second: string) =>
      store.transaction(async (tx: StoreTx) => {
        attempts += 1;
        await tx.accounts.lock(first);
        if (attempts <= 2) await bothLocked();
        await tx.accounts.change(second, 1, 0, 2);
        await tx.accounts.change(first, 1, 0, 2);
      });
    await Promise.all([transfer(ALICE, BOB), transfer(BOB, ALICE)]);
    expect(attempts).toBe(3);
    expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 2 });
    expect(await store.accounts.find(BOB)).toMatchObject({ balance: 2 });
  });

  it(`give up after ${TRANSACTION_ATTEMPTS} attempts, and do not retry other errors`, async () => {
    const { store } = await open(2);
    await store.accounts.insert(account(ALICE));
    let attempts = 0;
    await expect(
      store.transaction(async (tx) => {
        attempts += 1;
        await tx.accounts.insert(account(ALICE));
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(TRANSACTION_ATTEMPTS);
    attempts = 0;
    await expect(
      store.transaction(async (tx) => {
        attempts += 1;
        await tx.accounts.change(ALICE, -1, 0, 2);
      }),
    ).rejects.toMatchObject({ code: '23514' });
    expect(attempts).toBe(1);
  });

  it('keep nothing of an attempt whose callback caught a failed statement and went on, and run it again', async () => {
    const { store } = await open(2);
    await store.accounts.insert(account(ALICE));
    let attempts = 0;
    const outcome = await store.transaction(async (tx) => {
      attempts += 1;
      await tx.accounts.change(ALICE, 5, 0, 2);
      if (attempts === 1) {
        const duplicate = await tx.accounts.insert(account(ALICE)).then(() => undefined, (error: unknown) => error);
        expect(duplicate).toMatchObject({ code: '23505' });
      }
      return attempts;
    });
    expect(outcome).toBe(2);
    expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 5 });
  });
});

describe('PostgresStore.close', () => {
  it('waits for a transaction that is to run again, then refuses new ones', async () => {
    const { store } = await open(2);
    await store.accounts.insert(account(ALICE));
    let closed: Promise<void> | undefined;
    const running = store.transaction(async (tx) => {
      if (closed === undefined) {
        closed = store.close();
        await tx.accounts.insert(account(ALICE));
      }
      return 'second attempt';
    });
    await expect(running).resolves.toBe('second attempt');
    await closed;
    await expect(store.transaction(() => Promise.resolve(1))).rejects.toThrow(/is closed/);
  });
});

describe('PostgreSQL slots under concurrency', () => {
  it('give exactly `capacity` slots to many parallel callers', async () => {
    const { store } = await open(8);
    await store.instances.register(instance('live', { leaseUntil: 1_000 }));
    const claims = [{ pool: 'provider:nbpro:k', capacity: 2 }];
    const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => store.slots.acquire(claims, `j${i}`, 'live', 500)));
    expect(taken.filter(Boolean)).toHaveLength(2);
    expect((await store.pool.query('SELECT count(*) AS n FROM slots')).rows).toEqual([{ n: 2 }]);
  });

  it('do not count a slot whose job has settled (its release lost in a server crash: slot writes do not wait for the disk)', async () => {
    const { store } = await open(2);
    await store.instances.register(instance('live', { leaseUntil: 1_000 }));
    await store.accounts.insert(account(ALICE, { balance: 0, held: 12 }));
    await store.jobs.insert(job('settled'));
    const claims = [{ pool: 'provider:nbpro:k', capacity: 1 }];
    expect(await store.slots.acquire(claims, 'settled', 'live', 500)).toBe(true);
    expect(await store.slots.acquire(claims, 'other', 'live', 500)).toBe(false);
    // The job settles but its slot row stays, as if its release had been lost.
    expect(await store.jobs.settle('settled', { status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'x', outputs: [], finishedAt: 600 })).toBe(true);
    expect(await store.slots.acquire(claims, 'other', 'live', 500)).toBe(true);
  });

  it('do not count the slots of an instance whose lease has passed', async () => {
    const { store } = await open(8);
    await store.instances.register(instance('live', { leaseUntil: 1_000 }));
    await store.instances.register(instance('dead', { leaseUntil: 400 }));
    const claims = [{ pool: 'p', capacity: 2 }];
    expect(await store.slots.acquire(claims, 'old1', 'dead', 300)).toBe(true);
    expect(await store.slots.acquire(claims, 'old2', 'dead', 300)).toBe(true);
    const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => store.slots.acquire(claims, `j${i}`, 'live', 500)));
    expect(taken.filter(Boolean)).toHaveLength(2);
  });

  it('share pools claimed in either order, all or none', async () => {
    const { store } = await open(8);
    await store.instances.register(instance('live', { leaseUntil: 1_000 }));
    const a = { pool: 'provider:nbpro:k', capacity: 3 };
    const b = { pool: 'account:cli:bob', capacity: 3 };
    const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => store.slots.acquire(i % 2 ? [a, b] : [b, a], `j${i}`, 'live', 500)));
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect((await store.pool.query('SELECT pool, count(*) AS n FROM slots GROUP BY pool ORDER BY pool')).rows).toEqual([
      { pool: b.pool, n: 3 },
      { pool: a.pool, n: 3 },
    ]);
  });
});
