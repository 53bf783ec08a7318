/**
 * Limits held across processes: slots leased in the database (SlotRepository) and the waiting for
 * them (RunSlots), on two connections to one file as two processes would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunSlots } from '../../../src/core/generation/RunSlots.js';
import type { Job } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/storePorts.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { ManualClock } from '../../support/ManualClock.js';

const NOW = 1_700_000_000_000;
const POLL_MS = 20;

let dir: string;
let stores: Store[];
let clock: ManualClock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ni-slots-'));
  stores = [];
  clock = new ManualClock(NOW);
});
afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A process's store on the shared file, with its instance registered (lease until `leaseUntil`). */
async function joinAs(id: string, leaseUntil = NOW + 30_000): Promise<Store> {
  const store = createSqliteStore(openDatabase(join(dir, 'shared.db')));
  stores.push(store);
  await store.instances.register({ id, role: 'bot', host: 'h', pid: 1, startedAt: NOW, leaseUntil });
  return store;
}

function slotsOf(store: Store, owner: string, limits: { provider?: number; user?: number } = {}): RunSlots {
  return new RunSlots({
    slots: store.slots,
    clock,
    owner,
    providerPool: 'provider:nbpro:abc',
    providerConcurrency: limits.provider ?? 1,
    userConcurrency: limits.user ?? 10,
    pollMs: POLL_MS,
  });
}

const job = (id: string, accountKey = 'cli:alice'): Job => ({ id, accountKey }) as Job;
const signal = (): AbortSignal => new AbortController().signal;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether the promise has settled by now (after letting pending work run). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

describe('SlotRepository', () => {
  it('takes one slot of every pool, all or none, and counts a job that holds them once', async () => {
    const store = await joinAs('a');
    const provider = { pool: 'provider:x', capacity: 2 };
    const alice = { pool: 'account:cli:alice', capacity: 1 };
    expect(await store.slots.acquire([provider, alice], 'j1', 'a', NOW)).toBe(true);
    // The same job asking again already holds them: no second slot.
    expect(await store.slots.acquire([provider, alice], 'j1', 'a', NOW)).toBe(true);
    // The provider has room, the account has none: nothing is taken.
    expect(await store.slots.acquire([provider, alice], 'j2', 'a', NOW)).toBe(false);
    expect(await store.slots.acquire([provider], 'j3', 'a', NOW)).toBe(true);
    expect(await store.slots.acquire([provider], 'j4', 'a', NOW)).toBe(false);
    await store.slots.release('j1');
    expect(await store.slots.acquire([provider, alice], 'j2', 'a', NOW)).toBe(true);
    // j2's refused attempt left nothing behind: it holds exactly one slot of each pool now.
    await store.slots.release('j3');
    expect(await store.slots.acquire([provider], 'j5', 'a', NOW)).toBe(true);
    expect(await store.slots.acquire([provider], 'j6', 'a', NOW)).toBe(false);
  });

  it('does not count the slots of an instance whose lease ran out', async () => {
    const a = await joinAs('a');
    const b = await joinAs('b', NOW + 1000);
    const pool = [{ pool: 'provider:x', capacity: 1 }];
    expect(await b.slots.acquire(pool, 'jb', 'b', NOW)).toBe(true);
    expect(await a.slots.acquire(pool, 'ja', 'a', NOW + 1000)).toBe(false);
    // b stopped renewing: past its lease its slot is free for others, row or not.
    expect(await a.slots.acquire(pool, 'ja', 'a', NOW + 1001)).toBe(true);
  });

  it('frees the slots of an instance that is removed', async () => {
    const a = await joinAs('a');
    const b = await joinAs('b');
    const pool = [{ pool: 'provider:x', capacity: 1 }];
    expect(await b.slots.acquire(pool, 'jb', 'b', NOW)).toBe(true);
    expect(await a.slots.acquire(pool, 'ja', 'a', NOW)).toBe(false);
    await a.instances.remove(['b']);
    expect(await a.slots.acquire(pool, 'ja', 'a', NOW)).toBe(true);
  });
});

describe('RunSlots', () => {
  it('holds the provider key’s concurrency across two processes sharing the file', async () => {
    const a = slotsOf(await joinAs('a'), 'a', { provider: 2 });
    const b = slotsOf(await joinAs('b'), 'b', { provider: 2 });
    await a.acquire(job('a1', 'cli:u1'), signal());
    await b.acquire(job('b1', 'cli:u2'), signal());
    const waiting = b.acquire(job('b2', 'cli:u3'), signal());
    expect(await settled(waiting)).toBe(false);
    // Freed in the other process: seen at the next poll, not before.
    await a.release('a1');
    expect(await settled(waiting)).toBe(false);
    clock.advance(POLL_MS);
    await waiting;
    const third = a.acquire(job('a2', 'cli:u4'), signal());
    clock.advance(POLL_MS);
    expect(await settled(third)).toBe(false);
    await b.release('b1');
    await b.release('b2');
    clock.advance(POLL_MS);
    await third;
  });

  it('holds an account’s running jobs across processes', async () => {
    const a = slotsOf(await joinAs('a'), 'a', { provider: 10, user: 1 });
    const b = slotsOf(await joinAs('b'), 'b', { provider: 10, user: 1 });
    await a.acquire(job('a1', 'cli:alice'), signal());
    // Another account is not held up.
    await b.acquire(job('b1', 'cli:bob'), signal());
    const alice = b.acquire(job('b2', 'cli:alice'), signal());
    clock.advance(POLL_MS);
    expect(await settled(alice)).toBe(false);
    await a.release('a1');
    clock.advance(POLL_MS);
    await alice;
  });

  it('wakes a job of this process waiting for a slot as soon as this process frees one, without a poll', async () => {
    const slots = slotsOf(await joinAs('a'), 'a');
    await slots.acquire(job('j1'), signal());
    const waiting = slots.acquire(job('j2'), signal());
    expect(await settled(waiting)).toBe(false);
    await slots.release('j1');
    expect(await settled(waiting)).toBe(true);
    await waiting;
    // The woken waiter cancelled its poll.
    expect(clock.pending).toBe(0);
  });

  it('rejects with the signal’s reason when aborted while waiting, or before asking, and takes nothing', async () => {
    const store = await joinAs('a');
    const slots = slotsOf(store, 'a');
    await slots.acquire(job('j1'), signal());
    const controller = new AbortController();
    const waiting = slots.acquire(job('j2'), controller.signal);
    expect(await settled(waiting)).toBe(false);
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(clock.pending).toBe(0);
    await expect(slots.acquire(job('j3'), controller.signal)).rejects.toBe(reason);
    // j1 still holds the only slot; j2 and j3 took none.
    await slots.release('j1');
    await slots.acquire(job('j4'), signal());
    const after = slots.acquire(job('j5'), signal());
    expect(await settled(after)).toBe(false);
    await slots.release('j4');
    await after;
  });
});
