/**
 * The queue limits with submits arriving at once: a job the scheduler has taken is no longer
 * waiting, though it is `queued` in the database until it is marked running; other processes'
 * waiting jobs count, from the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { intent, startCore, type Harness } from '../../support/coreHarness.js';

describe('queue limits', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('QUEUE_LIMIT=2 takes three simultaneous submits when one can start: positions 0, 1 and 2', async () => {
    const provider = new GatedProvider();
    const h = await startCore({ QUEUE_LIMIT: '2', PROVIDER_CONCURRENCY: '1', USER_CONCURRENCY: '1' }, { provider });
    harnesses.push(h);
    const outcomes = await Promise.all(['cli:a', 'cli:b', 'cli:c'].map((accountKey) => h.core.generation.submit(intent({ accountKey }))));
    expect(outcomes.map((o) => (o.ok ? o.position : o.refusal.code))).toEqual([0, 1, 2]);
    const fourth = await h.core.generation.submit(intent({ accountKey: 'cli:d' }));
    expect(fourth).toMatchObject({ ok: false, refusal: { code: 'queue_full' } });
    provider.release();
  });

  it("counts another process's waiting jobs against QUEUE_LIMIT", async () => {
    const provider = new GatedProvider();
    const first = await startCore({ QUEUE_LIMIT: '2', PROVIDER_CONCURRENCY: '1' }, { provider });
    harnesses.push(first);
    for (const accountKey of ['cli:a', 'cli:b', 'cli:c']) expect(await first.core.generation.submit(intent({ accountKey }))).toMatchObject({ ok: true });
    await provider.waitForCalls(1);
    // A second process on the same file: two jobs wait in the first one's queue.
    const second = await startCore({ DATABASE_PATH: first.dbPath, QUEUE_LIMIT: '2', PROVIDER_CONCURRENCY: '1' }, { provider });
    harnesses.unshift(second);
    expect(await second.core.generation.submit(intent({ accountKey: 'cli:e' }))).toMatchObject({ ok: false, refusal: { code: 'queue_full' } });
    provider.release();
  });
});
