import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewJob } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/storePorts.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { job as storeJob } from './storeFixtures.js';

let db: SqliteDatabase;
let store: Store;

/** The shared fixture job, as this file has always named it. */
const job: NewJob = storeJob('j1', { idempotencyKey: 'k1', request: { ...storeJob('j1').request, prompt: 'ünïcødé ✓ "quotes"' }, owner: 'instance-1' });

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = createSqliteStore(db);
  await store.accounts.insert({
    key: 'slack:T1:U1',
    platform: 'slack',
    displayName: null,
    balance: 0,
    held: 12,
    createdAt: 1,
    updatedAt: 1,
  });
});
afterEach(() => db.close());

describe('JobRepository', () => {
  it('round-trips the JSON columns', async () => {
    await store.jobs.insert(job);
    expect(await store.jobs.find('j1')).toEqual({
      ...job,
      captured: 0,
      errorCode: null,
      errorMessage: null,
      outputs: [],
      startedAt: null,
      finishedAt: null,
    });
    expect((await store.jobs.findByIdempotencyKey('k1'))?.id).toBe('j1');
  });

  it('refuses a second job with the same idempotency key', async () => {
    await store.jobs.insert(job);
    await expect(async () => store.jobs.insert({ ...job, id: 'j2' })).rejects.toThrow(/UNIQUE constraint failed: jobs.idempotency_key/);
  });

  it('settles only a queued or running job, once, and keeps the model unless told', async () => {
    await store.jobs.insert(job);
    const settlement = {
      status: 'succeeded',
      captured: 12,
      errorCode: null,
      errorMessage: null,
      outputs: [{ name: 'o.png', mime: 'image/png', bytes: 3, width: 2, height: 2, sourceUrl: 'https://x/o.png' }],
      finishedAt: 200,
    } as const;
    const queued = await store.jobs.find('j1');
    expect(await store.jobs.markRunning('j1', 150)).toEqual({ ...queued, status: 'running', startedAt: 150 });
    expect(await store.jobs.markRunning('j1', 151)).toBeUndefined();
    expect(await store.jobs.settle('j1', settlement)).toBe(true);
    expect(await store.jobs.settle('j1', { ...settlement, status: 'failed', captured: 0 })).toBe(false);
    expect(await store.jobs.find('j1')).toMatchObject({
      status: 'succeeded',
      held: 0,
      captured: 12,
      model: 'm',
      startedAt: 150,
      finishedAt: 200,
      outputs: settlement.outputs,
    });
    expect(await store.jobs.unsettled()).toEqual([]);
  });

  it('records why a job failed', async () => {
    await store.jobs.insert(job);
    await store.jobs.settle('j1', { status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'y', outputs: [], finishedAt: 3 });
    expect(await store.jobs.find('j1')).toMatchObject({ model: 'm', errorCode: 'internal', errorMessage: 'y' });
  });
});

describe('JobRepository lists', () => {
  const insert = (id: string, overrides: Partial<NewJob> = {}): Promise<void> =>
    store.jobs.insert({ ...job, id, idempotencyKey: `k-${id}`, ...overrides });

  it('lists newest first in insertion order, whatever the creation times say', async () => {
    await store.accounts.insert({ key: 'cli:b', platform: 'cli', displayName: null, balance: 0, held: 24, createdAt: 1, updatedAt: 1 });
    await insert('a', { createdAt: 300 });
    await insert('b', { createdAt: 100, accountKey: 'cli:b', platform: 'cli' });
    await insert('c', { createdAt: 100 });
    await insert('d', { createdAt: 200, accountKey: 'cli:b', platform: 'cli' });
    expect((await store.jobs.list({ limit: 10 })).map((j) => j.id)).toEqual(['d', 'c', 'b', 'a']);
    expect((await store.jobs.list({ limit: 2 })).map((j) => j.id)).toEqual(['d', 'c']);
    expect((await store.jobs.list({ accountKey: 'cli:b', limit: 10 })).map((j) => j.id)).toEqual(['d', 'b']);
    expect((await store.jobs.list({ accountKey: 'slack:T1:U1', limit: 1 })).map((j) => j.id)).toEqual(['c']);
  });

  it('finds unsettled jobs oldest first', async () => {
    await insert('late', { createdAt: 300 });
    await insert('early', { createdAt: 100 });
    await insert('done', { createdAt: 50 });
    await store.jobs.markRunning('late', 301);
    await store.jobs.settle('done', { status: 'failed', captured: 0, errorCode: null, errorMessage: null, outputs: [], finishedAt: 60 });
    expect((await store.jobs.unsettled()).map((j) => [j.id, j.status])).toEqual([
      ['early', 'queued'],
      ['late', 'running'],
    ]);
  });
});

describe('JobRepository.countQueued', () => {
  it('counts queued jobs, of one account or in all, and nothing else', async () => {
    await store.accounts.insert({ key: 'cli:b', platform: 'cli', displayName: null, balance: 0, held: 24, createdAt: 1, updatedAt: 1 });
    const insert = (id: string, overrides: Partial<NewJob> = {}): Promise<void> =>
      store.jobs.insert({ ...job, id, idempotencyKey: `k-${id}`, ...overrides });
    expect(await store.jobs.countQueued({})).toBe(0);
    await insert('a1');
    await insert('a2');
    await insert('b1', { accountKey: 'cli:b', platform: 'cli' });
    await insert('b2', { accountKey: 'cli:b', platform: 'cli' });
    await store.jobs.markRunning('a2', 5);
    await store.jobs.settle('b2', { status: 'cancelled', captured: 0, errorCode: 'cancelled', errorMessage: null, outputs: [], finishedAt: 6 });
    expect(await store.jobs.countQueued({})).toBe(2);
    expect(await store.jobs.countQueued({ accountKey: 'slack:T1:U1' })).toBe(1);
    expect(await store.jobs.countQueued({ accountKey: 'cli:b' })).toBe(1);
    expect(await store.jobs.countQueued({ accountKey: 'cli:nobody' })).toBe(0);
    // Owners are kept as written, null included.
    await insert('n', { owner: null });
    expect(await store.jobs.find('n')).toMatchObject({ owner: null });
    expect(await store.jobs.find('a1')).toMatchObject({ owner: 'instance-1' });
  });
});

describe('AccountRepository', () => {
  it('changes balance and held together and refuses a negative result', async () => {
    const changed = await store.accounts.change('slack:T1:U1', 5, -2, 9);
    expect(changed).toMatchObject({ balance: 5, held: 10, updatedAt: 9 });
    expect(await store.accounts.find('slack:T1:U1')).toEqual(changed);
    await expect(async () => store.accounts.change('slack:T1:U1', -6, 0, 10)).rejects.toThrow(/CHECK constraint/);
    await expect(async () => store.accounts.change('cli:ghost', 1, 0, 10)).rejects.toThrow(expect.objectContaining({ code: 'account_not_found' }));
    expect(await store.accounts.totalHeld()).toBe(10);
  });
});

describe('Store.transaction', () => {
  it('rolls every write back when the function throws', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.accounts.change('slack:T1:U1', 100, 0, 2);
        await tx.jobs.insert(job);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.accounts.find('slack:T1:U1'))?.balance).toBe(0);
    expect(await store.jobs.find('j1')).toBeUndefined();
  });

  it('rolls back writes made after the function awaited, and returns what it returns on commit', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.accounts.change('slack:T1:U1', 1, 0, 2);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.accounts.change('slack:T1:U1', 1, 0, 3);
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect((await store.accounts.find('slack:T1:U1'))?.balance).toBe(0);
    expect(await store.transaction(async (tx) => (await tx.accounts.change('slack:T1:U1', 2, 0, 4)).balance)).toBe(2);
    expect((await store.accounts.find('slack:T1:U1'))?.balance).toBe(2);
  });

  it('keeps a statement made outside it, while it is open, out of it', async () => {
    let outside: Promise<unknown> | undefined;
    await expect(
      store.transaction(async (tx) => {
        await tx.accounts.change('slack:T1:U1', 100, 0, 2);
        // Another caller, not this transaction: it must not land in it (and be rolled back with it).
        outside = store.accounts.change('slack:T1:U1', 7, 0, 3);
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await outside).toMatchObject({ balance: 7 });
    expect((await store.accounts.find('slack:T1:U1'))?.balance).toBe(7);
  });
});
