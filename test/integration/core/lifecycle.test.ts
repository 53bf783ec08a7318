import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/core/generation/types.js';
import { NBPRO_FAKE_KEY, startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { intent, startCore, submitAndWait, type Harness } from '../../support/coreHarness.js';
import { ManualClock } from '../../support/ManualClock.js';
import { deadPid, setInstancePid } from '../../support/instancePid.js';

/**
 * The cores of a test share its pid, so each takes the others for predecessors of its own (a
 * restart), that is for dead. This makes one look like another process of this host, running as `pid`.
 */
function runsAs(h: Harness, pid: number): void {
  setInstancePid(h.dbPath, h.core.instances.id, pid);
}

describe('queue, cancellation, shutdown and restart', () => {
  let nbpro: FakeNbproServer;
  let dir: string;
  const harnesses: Harness[] = [];
  const start = async (env: Record<string, string> = {}): Promise<Harness> => {
    const h = await startCore({ NBPRO_API_KEY: NBPRO_FAKE_KEY, NBPRO_BASE_URL: nbpro.url, NBPRO_PLAN: 'free', ...env }, {}, dir);
    harnesses.push(h);
    return h;
  };

  beforeEach(async () => {
    nbpro = await startNbproServer();
    nbpro.setMode({ kind: 'hang' });
    dir = mkdtempSync(join(tmpdir(), 'ni-life-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await nbpro.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports queue positions, refuses a full queue, and cancels a waiting job with its hold released', async () => {
    const h = await start({ QUEUE_LIMIT: '2' });
    const events: JobEvent[] = [];
    const a = await h.core.generation.submit(intent({ accountKey: 'cli:a' }), (e) => events.push(e));
    const b = await h.core.generation.submit(intent({ accountKey: 'cli:b' }), (e) => events.push(e));
    const c = await h.core.generation.submit(intent({ accountKey: 'cli:c' }), (e) => events.push(e));
    expect([a, b, c].map((o) => o.ok && o.position)).toEqual([0, 1, 2]);
    expect(await h.core.generation.submit(intent({ accountKey: 'cli:d' }))).toEqual({
      ok: false,
      refusal: { code: 'queue_full', message: expect.stringMatching(/busy/) },
    });
    await nbpro.waitForRequests(1);
    expect(await h.core.credits.account('cli:b')).toMatchObject({ balance: 46, held: 4 });
    if (!b.ok) throw new Error('b refused');
    expect(await h.core.generation.cancel(b.job.id)).toBe(true);
    expect(await h.core.credits.account('cli:b')).toMatchObject({ balance: 50, held: 0 });
    await new Promise((resolve) => setImmediate(resolve)); // positions are published once per tick
    expect(events.filter((e) => e.job.accountKey === 'cli:c').map((e) => [e.type, 'position' in e ? e.position : null])).toEqual([
      ['queued', 2],
      ['position', 1],
    ]);
    expect(events.find((e) => e.type === 'failed' && e.job.accountKey === 'cli:b')).toMatchObject({ code: 'cancelled', refunded: 4 });
    if (!a.ok) throw new Error('a refused');
    expect(await h.core.generation.cancel(a.job.id)).toBe(false); // running, not waiting
  });

  it('shutdown interrupts what cannot finish in the grace period and releases every hold', async () => {
    const h = await start();
    const finals: JobEvent[] = [];
    await h.core.generation.submit(intent({ accountKey: 'cli:a' }), (e) => e.type === 'failed' && finals.push(e));
    await h.core.generation.submit(intent({ accountKey: 'cli:b' }), (e) => e.type === 'failed' && finals.push(e));
    await nbpro.waitForRequests(1);
    await h.core.generation.shutdown(10);
    expect(finals.map((e) => e.type === 'failed' && e.code)).toEqual(['interrupted', 'interrupted']);
    expect(await h.core.credits.account('cli:a')).toMatchObject({ balance: 50, held: 0 });
    expect(await h.core.credits.account('cli:b')).toMatchObject({ balance: 50, held: 0 });
    expect(await h.core.generation.submit(intent())).toMatchObject({ ok: false, refusal: { code: 'shutting_down' } });
    expect(await h.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('a restart fails chat jobs a dead process left behind and releases their holds exactly once', async () => {
    const dead = await start();
    await dead.core.generation.submit(intent({ accountKey: 'discord:100000000000000001', platform: 'discord' }));
    await dead.core.generation.submit(intent({ accountKey: 'slack:T1:U2', platform: 'slack' }));
    await nbpro.waitForRequests(1);
    // The first process "dies" (its row now names a pid that has exited): a second one opens the
    // same file and recovers.
    runsAs(dead, await deadPid());
    const next = await start();
    const interrupted = await next.core.generation.recoverInterrupted();
    expect(interrupted.map((j) => [j.accountKey, j.status, j.held]).sort()).toEqual([
      ['discord:100000000000000001', 'interrupted', 0],
      ['slack:T1:U2', 'interrupted', 0],
    ]);
    expect(await next.core.generation.recoverInterrupted()).toEqual([]);
    expect(await next.core.credits.account('discord:100000000000000001')).toMatchObject({ balance: 50, held: 0 });
    expect(await next.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });

  it('a job another process settled while it ran here ends with a failed event, charging nothing', async () => {
    const gated = new GatedProvider();
    const slow = await startCore({}, { provider: gated }, dir);
    harnesses.push(slow);
    const run = submitAndWait(slow.core, intent({ accountKey: 'slack:T1:U1', platform: 'slack' }));
    await gated.waitForCalls(1);
    // Another process takes this one for dead (its row names a pid that has exited) and releases the job.
    runsAs(slow, await deadPid());
    const other = await start();
    expect(await other.core.generation.recoverInterrupted()).toHaveLength(1);
    gated.release();
    const { final } = await run;
    expect(final).toMatchObject({ type: 'failed', code: 'interrupted', account: { balance: 50, held: 0 } });
    expect(await other.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });

  it('leaves a CLI job of a live process beside the bot alone while it renews its lease, and releases it once the lease ran out', async () => {
    const gated = new GatedProvider();
    const cliClock = new ManualClock();
    const cli = await startCore({}, { provider: gated, clock: cliClock }, dir);
    harnesses.push(cli);
    // The CLI run is another process of this host, and it is alive (a stand-in: the test runner's parent).
    runsAs(cli, process.ppid);
    const run = submitAndWait(cli.core, intent({ accountKey: 'cli:alice' }));
    await gated.waitForCalls(1);
    const botClock = new ManualClock(cliClock.now());
    const bot = await startCore({}, { clock: botClock }, dir);
    harnesses.push(bot);
    expect(await bot.core.generation.recoverInterrupted()).toEqual([]);
    // The CLI process is alive: it renews its lease every third of it, so the bot leaves the job alone.
    await cliClock.advanceLive(60_000);
    botClock.advance(60_000);
    expect(await bot.core.generation.recoverInterrupted()).toEqual([]);
    expect(await bot.core.credits.account('cli:alice')).toMatchObject({ held: 1 });
    // The CLI process stalls (its clock stops, so no renewal): the job is left alone until its
    // last lease runs out — at most INSTANCE_LEASE_SECONDS (30 s) later — and released right after.
    const lease = (await bot.core.store.instances.list()).find((i) => i.id === cli.core.instances.id)!.leaseUntil;
    expect(lease - botClock.now()).toBeGreaterThan(0);
    expect(lease - botClock.now()).toBeLessThanOrEqual(30_000);
    botClock.advance(lease - botClock.now());
    expect(await bot.core.generation.recoverInterrupted()).toEqual([]);
    botClock.advance(1);
    expect((await bot.core.generation.recoverInterrupted()).map((j) => [j.accountKey, j.errorCode])).toEqual([['cli:alice', 'interrupted']]);
    expect(await bot.core.credits.account('cli:alice')).toMatchObject({ balance: 50, held: 0 });
    gated.release();
    expect((await run).final).toMatchObject({ type: 'failed', code: 'interrupted' });
  });

  it('releases at once the CLI job of a process of this host that is gone, without waiting for its lease', async () => {
    const gated = new GatedProvider();
    const clock = new ManualClock();
    const cli = await startCore({}, { provider: gated, clock }, dir);
    harnesses.push(cli);
    runsAs(cli, await deadPid());
    const run = submitAndWait(cli.core, intent({ accountKey: 'cli:alice' }));
    await gated.waitForCalls(1);
    const bot = await startCore({}, { clock: new ManualClock(clock.now()) }, dir);
    harnesses.push(bot);
    expect((await bot.core.generation.recoverInterrupted()).map((j) => [j.accountKey, j.errorCode])).toEqual([['cli:alice', 'interrupted']]);
    // The dead instance is gone from the registry too.
    expect((await bot.core.store.instances.list()).map((i) => i.id)).toEqual([bot.core.instances.id]);
    gated.release();
    expect((await run).final).toMatchObject({ type: 'failed', code: 'interrupted' });
  });

  it('the next CLI start releases a dead CLI job whose lease ran out, and leaves chat jobs to the bot', async () => {
    const clock = new ManualClock();
    const dead = await startCore({}, { provider: new GatedProvider(), clock }, dir);
    harnesses.push(dead);
    // Another process whose pid still runs: only its lease tells that it is gone.
    runsAs(dead, process.ppid);
    await dead.core.generation.submit(intent({ accountKey: 'cli:alice' }));
    await dead.core.generation.submit(intent({ accountKey: 'discord:100000000000000001', platform: 'discord' }));
    clock.advance(1);
    // It registered at the clock's start with a 30 s lease and never renewed it (its clock stopped).
    const laterClock = new ManualClock(clock.now() - 1 + 30_000);
    const next = await startCore({}, { clock: laterClock }, dir);
    harnesses.push(next);
    expect(await next.core.generation.recoverInterrupted('cli')).toEqual([]);
    laterClock.advance(1);
    expect((await next.core.generation.recoverInterrupted('cli')).map((j) => j.accountKey)).toEqual(['cli:alice']);
    expect(await next.core.credits.account('discord:100000000000000001')).toMatchObject({ held: 1 });
    expect(await next.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });
});

