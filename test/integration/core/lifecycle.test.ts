import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/core/generation/types.js';
import { NBPRO_FAKE_KEY, startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { intent, startCore, submitAndWait, type Harness } from '../../support/coreHarness.js';
import { ManualClock } from '../../support/ManualClock.js';

describe('queue, cancellation, shutdown and restart', () => {
  let nbpro: FakeNbproServer;
  let dir: string;
  const harnesses: Harness[] = [];
  const start = (env: Record<string, string> = {}) => {
    const h = startCore({ NBPRO_API_KEY: NBPRO_FAKE_KEY, NBPRO_BASE_URL: nbpro.url, NBPRO_PLAN: 'free', ...env }, {}, dir);
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
    const h = start({ QUEUE_LIMIT: '2' });
    const events: JobEvent[] = [];
    const a = h.core.generation.submit(intent({ accountKey: 'cli:a' }), (e) => events.push(e));
    const b = h.core.generation.submit(intent({ accountKey: 'cli:b' }), (e) => events.push(e));
    const c = h.core.generation.submit(intent({ accountKey: 'cli:c' }), (e) => events.push(e));
    expect([a, b, c].map((o) => o.ok && o.position)).toEqual([0, 1, 2]);
    expect(h.core.generation.submit(intent({ accountKey: 'cli:d' }))).toEqual({
      ok: false,
      refusal: { code: 'queue_full', message: expect.stringMatching(/busy/) },
    });
    await nbpro.waitForRequests(1);
    expect(h.core.credits.account('cli:b')).toMatchObject({ balance: 46, held: 4 });
    if (!b.ok) throw new Error('b refused');
    expect(h.core.generation.cancel(b.job.id)).toBe(true);
    expect(h.core.credits.account('cli:b')).toMatchObject({ balance: 50, held: 0 });
    await new Promise((resolve) => setImmediate(resolve)); // positions are published once per tick
    expect(events.filter((e) => e.job.accountKey === 'cli:c').map((e) => [e.type, 'position' in e ? e.position : null])).toEqual([
      ['queued', 2],
      ['position', 1],
    ]);
    expect(events.find((e) => e.type === 'failed' && e.job.accountKey === 'cli:b')).toMatchObject({ code: 'cancelled', refunded: 4 });
    if (!a.ok) throw new Error('a refused');
    expect(h.core.generation.cancel(a.job.id)).toBe(false); // running, not waiting
  });

  it('shutdown interrupts what cannot finish in the grace period and releases every hold', async () => {
    const h = start();
    const finals: JobEvent[] = [];
    h.core.generation.submit(intent({ accountKey: 'cli:a' }), (e) => e.type === 'failed' && finals.push(e));
    h.core.generation.submit(intent({ accountKey: 'cli:b' }), (e) => e.type === 'failed' && finals.push(e));
    await nbpro.waitForRequests(1);
    await h.core.generation.shutdown(10);
    expect(finals.map((e) => e.type === 'failed' && e.code)).toEqual(['interrupted', 'interrupted']);
    expect(h.core.credits.account('cli:a')).toMatchObject({ balance: 50, held: 0 });
    expect(h.core.credits.account('cli:b')).toMatchObject({ balance: 50, held: 0 });
    expect(h.core.generation.submit(intent())).toMatchObject({ ok: false, refusal: { code: 'shutting_down' } });
    expect(h.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('a restart fails chat jobs a dead process left behind and releases their holds exactly once', async () => {
    const dead = start();
    dead.core.generation.submit(intent({ accountKey: 'discord:100000000000000001', platform: 'discord' }));
    dead.core.generation.submit(intent({ accountKey: 'slack:T1:U2', platform: 'slack' }));
    await nbpro.waitForRequests(1);
    // The first process "dies": a second one opens the same file and recovers.
    const next = start();
    const interrupted = next.core.generation.recoverInterrupted();
    expect(interrupted.map((j) => [j.accountKey, j.status, j.held]).sort()).toEqual([
      ['discord:100000000000000001', 'interrupted', 0],
      ['slack:T1:U2', 'interrupted', 0],
    ]);
    expect(next.core.generation.recoverInterrupted()).toEqual([]);
    expect(next.core.credits.account('discord:100000000000000001')).toMatchObject({ balance: 50, held: 0 });
    expect(next.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });

  it('a job another process settled while it ran here ends with a failed event, charging nothing', async () => {
    const gated = new GatedProvider();
    const slow = startCore({}, { provider: gated }, dir);
    harnesses.push(slow);
    const run = submitAndWait(slow.core, intent({ accountKey: 'slack:T1:U1', platform: 'slack' }));
    await gated.waitForCalls(1);
    const other = start();
    expect(other.core.generation.recoverInterrupted()).toHaveLength(1);
    gated.release();
    const { final } = await run;
    expect(final).toMatchObject({ type: 'failed', code: 'interrupted', account: { balance: 50, held: 0 } });
    expect(other.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });

  it('leaves a CLI job running beside the bot alone while its process renews the lease, and releases it within two minutes of that process dying', async () => {
    const gated = new GatedProvider();
    const cliClock = new ManualClock();
    const cli = startCore({}, { provider: gated, clock: cliClock }, dir);
    harnesses.push(cli);
    const run = submitAndWait(cli.core, intent({ accountKey: 'cli:alice' }));
    await gated.waitForCalls(1);
    const botClock = new ManualClock(cliClock.now());
    const bot = startCore({}, { clock: botClock }, dir);
    harnesses.push(bot);
    expect(bot.core.generation.recoverInterrupted()).toEqual([]);
    // The CLI process is alive: it renews its lease every 15 s, so the bot leaves the job alone.
    cliClock.advance(60_000);
    botClock.advance(60_000);
    expect(bot.core.generation.recoverInterrupted()).toEqual([]);
    expect(bot.core.credits.account('cli:alice')).toMatchObject({ held: 1 });
    // The CLI process "dies" (its clock stops, so no renewal): 45 s later the lease is over and the
    // next sweep (every minute) releases the job — two minutes at most.
    botClock.advance(45_001);
    expect(bot.core.generation.recoverInterrupted().map((j) => [j.accountKey, j.errorCode])).toEqual([['cli:alice', 'interrupted']]);
    expect(bot.core.credits.account('cli:alice')).toMatchObject({ balance: 50, held: 0 });
    gated.release();
    expect((await run).final).toMatchObject({ type: 'failed', code: 'interrupted' });
  });

  it('the next CLI start releases a dead CLI job whose lease ran out, and leaves chat jobs to the bot', () => {
    const clock = new ManualClock();
    const dead = startCore({}, { provider: new GatedProvider(), clock }, dir);
    harnesses.push(dead);
    dead.core.generation.submit(intent({ accountKey: 'cli:alice' }));
    dead.core.generation.submit(intent({ accountKey: 'discord:100000000000000001', platform: 'discord' }));
    clock.advance(1);
    const laterClock = new ManualClock(clock.now() + 45_001);
    const next = startCore({}, { clock: laterClock }, dir);
    harnesses.push(next);
    expect(next.core.generation.recoverInterrupted('cli').map((j) => j.accountKey)).toEqual(['cli:alice']);
    expect(next.core.credits.account('discord:100000000000000001')).toMatchObject({ held: 1 });
    expect(next.core.admin.check()).toMatchObject({ invariant: [], jobs: [] });
  });
});

