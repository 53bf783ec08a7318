import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewJob } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/storePorts.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';

let db: SqliteDatabase;
let store: Store;

const job: NewJob = {
  id: 'j1',
  idempotencyKey: 'k1',
  accountKey: 'slack:T1:U1',
  platform: 'slack',
  destination: { channel: 'C1', threadTs: '171.5', nested: { list: [1, 'two', null] } },
  kind: 'edit',
  parentId: null,
  request: {
    prompt: 'ünïcødé ✓ "quotes"',
    model: 'm',
    aspectRatio: '16:9',
    resolution: '2K',
    count: 2,
    references: [{ name: 'a.png', url: 'https://example.com/a.png' }, { name: 'b.jpg' }],
  },
  provider: 'nbpro',
  model: 'm',
  unitCost: 6,
  cost: 12,
  held: 12,
  status: 'queued',
  createdAt: 100,
  leaseUntil: 60_100,
};

beforeEach(() => {
  db = openDatabase(':memory:');
  store = createSqliteStore(db);
  store.accounts.insert({
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
  it('round-trips the JSON columns', () => {
    store.jobs.insert(job);
    expect(store.jobs.find('j1')).toEqual({
      ...job,
      captured: 0,
      errorCode: null,
      errorMessage: null,
      outputs: [],
      startedAt: null,
      finishedAt: null,
    });
    expect(store.jobs.findByIdempotencyKey('k1')?.id).toBe('j1');
  });

  it('refuses a second job with the same idempotency key', () => {
    store.jobs.insert(job);
    expect(() => store.jobs.insert({ ...job, id: 'j2' })).toThrow(/UNIQUE constraint failed: jobs.idempotency_key/);
  });

  it('settles only a queued or running job, once, and keeps the model unless told', () => {
    store.jobs.insert(job);
    const settlement = {
      status: 'succeeded',
      captured: 12,
      errorCode: null,
      errorMessage: null,
      outputs: [{ name: 'o.png', mime: 'image/png', bytes: 3, width: 2, height: 2, sourceUrl: 'https://x/o.png' }],
      finishedAt: 200,
    } as const;
    expect(store.jobs.markRunning('j1', 150)).toEqual({ ...store.jobs.find('j1'), status: 'running', startedAt: 150 });
    expect(store.jobs.markRunning('j1', 151)).toBeUndefined();
    expect(store.jobs.settle('j1', settlement)).toBe(true);
    expect(store.jobs.settle('j1', { ...settlement, status: 'failed', captured: 0 })).toBe(false);
    expect(store.jobs.find('j1')).toMatchObject({
      status: 'succeeded',
      held: 0,
      captured: 12,
      model: 'm',
      startedAt: 150,
      finishedAt: 200,
      outputs: settlement.outputs,
    });
    expect(store.jobs.unsettled()).toEqual([]);
  });

  it('records why a job failed', () => {
    store.jobs.insert(job);
    store.jobs.settle('j1', { status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'y', outputs: [], finishedAt: 3 });
    expect(store.jobs.find('j1')).toMatchObject({ model: 'm', errorCode: 'internal', errorMessage: 'y' });
  });
});

describe('JobRepository lists', () => {
  const insert = (id: string, overrides: Partial<NewJob> = {}) =>
    store.jobs.insert({ ...job, id, idempotencyKey: `k-${id}`, ...overrides });

  it('lists newest first in insertion order, whatever the creation times say', () => {
    store.accounts.insert({ key: 'cli:b', platform: 'cli', displayName: null, balance: 0, held: 24, createdAt: 1, updatedAt: 1 });
    insert('a', { createdAt: 300 });
    insert('b', { createdAt: 100, accountKey: 'cli:b', platform: 'cli' });
    insert('c', { createdAt: 100 });
    insert('d', { createdAt: 200, accountKey: 'cli:b', platform: 'cli' });
    expect(store.jobs.list({ limit: 10 }).map((j) => j.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(store.jobs.list({ limit: 2 }).map((j) => j.id)).toEqual(['d', 'c']);
    expect(store.jobs.list({ accountKey: 'cli:b', limit: 10 }).map((j) => j.id)).toEqual(['d', 'b']);
    expect(store.jobs.list({ accountKey: 'slack:T1:U1', limit: 1 }).map((j) => j.id)).toEqual(['c']);
  });

  it('finds unsettled jobs oldest first', () => {
    insert('late', { createdAt: 300 });
    insert('early', { createdAt: 100 });
    insert('done', { createdAt: 50 });
    store.jobs.markRunning('late', 301);
    store.jobs.settle('done', { status: 'failed', captured: 0, errorCode: null, errorMessage: null, outputs: [], finishedAt: 60 });
    expect(store.jobs.unsettled().map((j) => [j.id, j.status])).toEqual([
      ['early', 'queued'],
      ['late', 'running'],
    ]);
  });
});

describe('AccountRepository', () => {
  it('changes balance and held together and refuses a negative result', () => {
    const changed = store.accounts.change('slack:T1:U1', 5, -2, 9);
    expect(changed).toMatchObject({ balance: 5, held: 10, updatedAt: 9 });
    expect(store.accounts.find('slack:T1:U1')).toEqual(changed);
    expect(() => store.accounts.change('slack:T1:U1', -6, 0, 10)).toThrow(/CHECK constraint/);
    expect(() => store.accounts.change('cli:ghost', 1, 0, 10)).toThrow(expect.objectContaining({ code: 'account_not_found' }));
    expect(store.accounts.totalHeld()).toBe(10);
  });
});

describe('Store.transaction', () => {
  it('rolls every write back when the function throws', () => {
    expect(() =>
      store.transaction(() => {
        store.accounts.change('slack:T1:U1', 100, 0, 2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.accounts.find('slack:T1:U1')?.balance).toBe(0);
  });

  it('nests without committing the outer transaction early', () => {
    expect(() =>
      store.transaction(() => {
        store.transaction(() => store.accounts.change('slack:T1:U1', 1, 0, 2));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(store.accounts.find('slack:T1:U1')?.balance).toBe(0);
  });
});
