/**
 * Which unsettled jobs are orphans: those whose owning instance is gone (lease run out, or a dead
 * pid on this host), or that have no owner at all (made before owners existed) — never those of a
 * live process, nor those this process holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryService, Redeliver } from '../../../src/core/delivery/DeliveryService.js';
import { JobRecovery } from '../../../src/core/generation/JobRecovery.js';
import { InstanceRegistry } from '../../../src/core/jobs/InstanceRegistry.js';
import type { Job } from '../../../src/core/model.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { captureLogger } from '../../support/logCapture.js';
import { createHarness, type Harness, holdInput } from '../credits/support.js';

const LEASE = 30_000;
const HOST = 'bot-host';
const OUR_PID = 1000;

let db: SqliteDatabase;
let h: Harness;
let registry: InstanceRegistry;
let held: Set<string>;
let delivery: { recovered: Job[][]; swept: ((jobId: string) => boolean)[] } & Pick<DeliveryService, 'recover' | 'sweepSpool'>;
let recovery: JobRecovery;

beforeEach(async () => {
  db = openDatabase(':memory:');
  h = createHarness(db, 50);
  const alive = new Set([OUR_PID, 2001]);
  registry = new InstanceRegistry({
    instances: h.store.instances,
    clock: h.clock,
    leaseMs: LEASE,
    self: { id: 'me', role: 'bot', host: HOST, pid: OUR_PID },
    processStartedAt: h.clock.now(),
    pidAlive: (pid) => alive.has(pid),
    logger: captureLogger().logger,
  });
  await registry.start();
  const now = h.clock.now();
  const other = (id: string, pid: number, leaseUntil = now + LEASE, host = HOST) =>
    h.store.instances.register({ id, role: 'bot', host, pid, startedAt: now, leaseUntil });
  await other('live', 2001);
  await other('live-elsewhere', 2002, now + LEASE, 'other-host');
  await other('crashed', 2002);
  await other('stalled', 2001, now - 1, 'other-host');
  held = new Set();
  const recovered: Job[][] = [];
  const swept: ((jobId: string) => boolean)[] = [];
  delivery = {
    recovered,
    swept,
    recover: (jobs: readonly Job[], _redeliver: Redeliver) => {
      recovered.push([...jobs]);
      return Promise.resolve([]);
    },
    sweepSpool: (isDelivering: (jobId: string) => boolean) => {
      swept.push(isDelivering);
      return Promise.resolve();
    },
  };
  recovery = new JobRecovery({ jobs: h.jobs, delivery, instances: registry, logger: captureLogger().logger, holds: (id) => held.has(id) });
});
afterEach(async () => {
  expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  await registry.stop();
  await h.store.close();
});

/** A job owned by `owner`, moved to `status`. */
async function job(owner: string | null, status: 'queued' | 'running' | 'delivering', platform: 'discord' | 'cli' = 'discord'): Promise<Job> {
  const accountKey = platform === 'cli' ? 'cli:alice' : 'discord:100000000000000001';
  const result = await h.credits.hold(holdInput({ accountKey, owner }));
  if (!result.ok) throw new Error('hold refused');
  if (status !== 'queued') await h.jobs.markRunning(result.job.id);
  if (status === 'delivering') {
    const { provider, model, unitCost, notice } = result.job;
    await h.jobs.markDelivering(result.job.id, [], { provider, model, unitCost, notice });
  }
  return result.job;
}

const ids = (jobs: readonly Job[]): string[] => jobs.map((j) => j.id).sort();

describe('JobRecovery.recoverInterrupted', () => {
  it('releases the queued and running jobs of gone instances and of no instance; leaves live ones and its own', async () => {
    const orphans = [
      await job('crashed', 'queued'),
      await job('crashed', 'running'),
      await job('stalled', 'running'),
      await job('never-registered', 'queued'),
      await job(null, 'running'),
    ];
    const kept = [await job('live', 'running'), await job('live-elsewhere', 'queued'), await job('me', 'running')];
    // A job of a gone instance that this process runs itself (it took it over) is no orphan either.
    const mine = await job('crashed', 'running');
    held.add(mine.id);

    const released = await recovery.recoverInterrupted('all');

    expect(ids(released)).toEqual(ids(orphans));
    for (const j of released) expect(j).toMatchObject({ status: 'interrupted', held: 0, errorCode: 'interrupted' });
    expect(ids(await h.jobs.unsettled())).toEqual(ids([...kept, mine]));
    // The gone instances left the registry.
    expect((await h.store.instances.list()).map((i) => i.id).sort()).toEqual(['live', 'live-elsewhere', 'me']);
    // Each exactly once.
    expect(await recovery.recoverInterrupted('all')).toEqual([]);
  });

  it('leaves delivering chat jobs to recoverDeliveries, but releases a dead CLI run’s delivering job as undelivered', async () => {
    const chat = await job('crashed', 'delivering');
    const cli = await job('crashed', 'delivering', 'cli');
    const released = await recovery.recoverInterrupted('all');
    expect(released.map((j) => [j.id, j.status, j.errorCode])).toEqual([[cli.id, 'failed', 'undelivered']]);
    expect((await h.jobs.byId(chat.id))?.status).toBe('delivering');
  });

  it('with scope cli takes only CLI jobs of gone instances', async () => {
    const chat = await job('crashed', 'running');
    const cliQueued = await job('crashed', 'queued', 'cli');
    const cliLive = await job('live', 'running', 'cli');
    expect(ids(await recovery.recoverInterrupted('cli'))).toEqual([cliQueued.id]);
    expect(ids(await h.jobs.unsettled())).toEqual(ids([chat, cliLive]));
  });

  it('takes a live instance’s jobs once its lease runs out', async () => {
    const j = await job('live-elsewhere', 'running');
    expect(await recovery.recoverInterrupted('all')).toEqual([]);
    h.clock.advance(LEASE + 1);
    expect(ids(await recovery.recoverInterrupted('all'))).toEqual([j.id]);
  });
});

describe('JobRecovery.recoverDeliveries', () => {
  it('hands over the delivering chat jobs of gone instances only, then sweeps the spool with what is still delivering', async () => {
    const orphan = await job('crashed', 'delivering');
    const ownerless = await job(null, 'delivering');
    const live = await job('live', 'delivering');
    const mine = await job('crashed', 'delivering');
    held.add(mine.id);
    await job('crashed', 'delivering', 'cli'); // a CLI job: its process delivered to files, not to a chat
    await job('crashed', 'running'); // not delivering

    expect(await recovery.recoverDeliveries(() => Promise.resolve(0), true)).toEqual([]);

    expect(delivery.recovered.map(ids)).toEqual([ids([orphan, ownerless])]);
    expect(delivery.swept).toHaveLength(1);
    const isDelivering = delivery.swept[0]!;
    // Read after the recovery: every job still delivering keeps its images (the stub settled none).
    for (const j of [orphan, ownerless, live, mine]) expect(isDelivering(j.id)).toBe(true);
    expect(isDelivering('settled-long-ago')).toBe(false);
  });

  it('does not sweep the spool when told not to (the periodic sweep)', async () => {
    await job('crashed', 'delivering');
    await recovery.recoverDeliveries(() => Promise.resolve(0), false);
    expect(delivery.recovered).toHaveLength(1);
    expect(delivery.swept).toHaveLength(0);
  });
});
