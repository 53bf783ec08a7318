import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceRegistry, type InstanceRegistryOptions } from '../../../src/core/jobs/InstanceRegistry.js';
import type { Instance } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/storePorts.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { captureLogger } from '../../support/logCapture.js';
import { ManualClock } from '../../support/ManualClock.js';

const LEASE = 30_000;
const HOST = 'bot-host';
const OUR_PID = 1000;
/** When this (pretend) operating-system process started: the clock's start. */
const PROCESS_STARTED = 1_700_000_000_000;

let db: SqliteDatabase;
let store: Store;
let clock: ManualClock;
/** Pids of this host that run. */
let alive: Set<number>;
const registries: InstanceRegistry[] = [];

beforeEach(() => {
  db = openDatabase(':memory:');
  store = createSqliteStore(db);
  clock = new ManualClock(1_700_000_000_000);
  alive = new Set([OUR_PID]);
});
afterEach(async () => {
  for (const r of registries.splice(0)) await r.stop();
  await store.close();
});

function registry(self: Partial<InstanceRegistryOptions['self']> = {}, logs = captureLogger()): InstanceRegistry {
  const r = new InstanceRegistry({
    instances: store.instances,
    clock,
    leaseMs: LEASE,
    self: { id: 'me', role: 'bot', host: HOST, pid: OUR_PID, ...self },
    processStartedAt: PROCESS_STARTED,
    pidAlive: (pid) => alive.has(pid),
    logger: logs.logger,
  });
  registries.push(r);
  return r;
}

/** Another process's row, written as it would have registered. */
function other(overrides: Partial<Instance> & Pick<Instance, 'id'>): Promise<void> {
  return store.instances.register({ role: 'bot', host: HOST, pid: 2000, startedAt: clock.now(), leaseUntil: clock.now() + LEASE, ...overrides });
}

const rows = async (): Promise<Record<string, number>> => Object.fromEntries((await store.instances.list()).map((i) => [i.id, i.leaseUntil]));
/** Lets a renewal that a clock step set off reach the database. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InstanceRegistry', () => {
  it('registers with a lease, once however often it is started', async () => {
    const r = registry({ role: 'cli' });
    await r.start();
    await r.start();
    expect(await store.instances.list()).toEqual([
      { id: 'me', role: 'cli', host: HOST, pid: OUR_PID, startedAt: clock.now(), leaseUntil: clock.now() + LEASE },
    ]);
    expect(r.id).toBe('me');
  });

  it('renews its lease every third of it while alive', async () => {
    const r = registry();
    const start = clock.now();
    await r.start();
    clock.advance(LEASE / 3 - 1);
    await settle();
    expect(await rows()).toEqual({ me: start + LEASE });
    clock.advance(1);
    await settle();
    expect(await rows()).toEqual({ me: start + LEASE / 3 + LEASE });
    // Kept alive for far longer than one lease.
    await clock.advanceLive(5 * LEASE);
    expect((await rows()).me).toBeGreaterThan(clock.now() + (2 * LEASE) / 3 - 1);
  });

  it('stop() removes its row and renews no more', async () => {
    const r = registry();
    await r.start();
    await r.stop();
    expect(await store.instances.list()).toEqual([]);
    expect(clock.pending).toBe(0);
    clock.advance(LEASE);
    await settle();
    expect(await store.instances.list()).toEqual([]);
    await r.stop(); // a second stop changes nothing
  });

  it('sweep() removes instances whose lease ran out, and same-host ones whose pid is dead or is ours; keeps the live', async () => {
    const logs = captureLogger();
    const r = registry({}, logs);
    await r.start();
    alive.add(2001);
    await other({ id: 'live-here', pid: 2001 });
    await other({ id: 'dead-here', pid: 2002 });
    // This process's pid under another id, registered before this process began: a predecessor (a
    // container restarted with the same pid). One registered since lives in this process.
    await other({ id: 'predecessor', pid: OUR_PID, startedAt: PROCESS_STARTED - 1 });
    await other({ id: 'sibling-core', pid: OUR_PID, startedAt: PROCESS_STARTED });
    // Another host: its pids mean nothing here; only its lease counts.
    await other({ id: 'elsewhere', host: 'other-host', pid: 2002 });
    await other({ id: 'expired-elsewhere', host: 'other-host', pid: 2003, leaseUntil: clock.now() - 1 });
    await other({ id: 'expired-here', pid: 2001, leaseUntil: clock.now() - 1 });
    // Exactly at its end, a lease still holds.
    await other({ id: 'at-the-end', host: 'other-host', pid: 2004, leaseUntil: clock.now() });

    const live = await r.sweep();

    expect([...live].sort()).toEqual(['at-the-end', 'elsewhere', 'live-here', 'me', 'sibling-core']);
    expect(Object.keys(await rows()).sort()).toEqual(['at-the-end', 'elsewhere', 'live-here', 'me', 'sibling-core']);
    const removed = logs.lines.map((l) => JSON.parse(l) as { msg: string; instances?: { id: string }[] }).find((l) => l.msg === 'removed processes that stopped renewing');
    expect(removed?.instances?.map((i) => i.id).sort()).toEqual(['dead-here', 'expired-elsewhere', 'expired-here', 'predecessor']);
    // Once a lease runs out, the instance is dead wherever it runs.
    clock.advance(1);
    expect([...(await r.sweep())].sort()).toEqual(['elsewhere', 'live-here', 'me', 'sibling-core']);
  });

  it('never takes itself for dead, even with its own lease run out', async () => {
    const r = registry();
    await r.start();
    await store.instances.renew('me', clock.now() - 1);
    expect([...(await r.sweep())]).toEqual(['me']);
    expect(Object.keys(await rows())).toEqual(['me']);
  });

  it('removes a dead instance’s slots with it', async () => {
    const r = registry();
    await r.start();
    await other({ id: 'dead-here', pid: 2002 });
    expect(await store.slots.acquire([{ pool: 'p', capacity: 1 }], 'job-1', 'dead-here', clock.now())).toBe(true);
    await r.sweep();
    expect(db.prepare('SELECT count(*) FROM slots').pluck().get()).toBe(0);
  });

  it('registers again when a renewal finds its row gone (others took it for dead), and keeps renewing', async () => {
    const logs = captureLogger();
    const r = registry({}, logs);
    await r.start();
    await store.instances.remove(['me']);
    clock.advance(LEASE / 3);
    await settle();
    expect(await store.instances.list()).toEqual([
      { id: 'me', role: 'bot', host: HOST, pid: OUR_PID, startedAt: clock.now(), leaseUntil: clock.now() + LEASE },
    ]);
    expect(logs.text()).toContain('this process was taken for dead; registering again');
    clock.advance(LEASE / 3);
    await settle();
    expect((await rows()).me).toBe(clock.now() + LEASE);
  });

  it('keeps renewing after a renewal fails', async () => {
    const logs = captureLogger();
    const failing: InstanceRegistryOptions['instances'] = {
      register: (i) => store.instances.register(i),
      renew: () => Promise.reject(new Error('database is locked')),
      remove: (ids) => store.instances.remove(ids),
      list: () => store.instances.list(),
    };
    const r = new InstanceRegistry({
      instances: failing,
      clock,
      leaseMs: LEASE,
      self: { id: 'me', role: 'bot', host: HOST, pid: OUR_PID },
      processStartedAt: PROCESS_STARTED,
      pidAlive: () => true,
      logger: logs.logger,
    });
    registries.push(r);
    await r.start();
    clock.advance(LEASE / 3);
    await settle();
    expect(logs.text()).toContain('could not renew the process lease');
    // The next renewal is scheduled all the same.
    expect(clock.pending).toBe(1);
  });
});
