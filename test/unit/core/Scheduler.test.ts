import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/core/scheduler/Scheduler.js';

/** A job whose end the test decides. */
function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A scheduler whose jobs note in `started` when they begin: what it runs, in the order it runs it. */
function recording(limits: ConstructorParameters<typeof Scheduler>[0], started: string[]): Scheduler {
  const scheduler = new Scheduler(limits);
  const enqueue = scheduler.enqueue.bind(scheduler);
  scheduler.enqueue = (id, user, run) =>
    enqueue(id, user, () => {
      started.push(id);
      return run();
    });
  return scheduler;
}

describe('Scheduler', () => {
  it('runs at most `concurrency` jobs and starts the next when one ends', async () => {
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const s = recording({ concurrency: 2, perUser: 5, queueLimit: 10 }, started);
    for (const id of ['a', 'b', 'c']) {
      const g = gate();
      gates.set(id, g);
      s.enqueue(id, `user-${id}`, () => g.promise);
    }
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(s.depth).toBe(1);
    expect(s.position('c')).toBe(1);
    gates.get('a')!.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('b')!.open();
    gates.get('c')!.open();
    await s.idle();
    expect(s.depth).toBe(0);
  });

  it('takes users in turn so one burst cannot starve another user', async () => {
    const started: string[] = [];
    const blocker = gate();
    const s = recording({ concurrency: 1, perUser: 1, queueLimit: 100 }, started);
    s.enqueue('block', 'zed', () => blocker.promise);
    for (let i = 1; i <= 4; i++) s.enqueue(`alice-${i}`, 'alice', () => Promise.resolve());
    s.enqueue('bob-1', 'bob', () => Promise.resolve());
    s.enqueue('carol-1', 'carol', () => Promise.resolve());
    expect(s.position('bob-1')).toBe(2);
    expect(s.position('carol-1')).toBe(3);
    expect(s.position('alice-2')).toBe(4);
    blocker.open();
    await s.idle();
    expect(started).toEqual(['block', 'alice-1', 'bob-1', 'carol-1', 'alice-2', 'alice-3', 'alice-4']);
  });

  it('holds a user to their own running limit while others proceed', async () => {
    const started: string[] = [];
    const g = gate();
    const s = recording({ concurrency: 3, perUser: 1, queueLimit: 100 }, started);
    s.enqueue('a1', 'alice', () => g.promise);
    s.enqueue('a2', 'alice', () => Promise.resolve());
    s.enqueue('b1', 'bob', () => Promise.resolve());
    await tick();
    expect(started).toEqual(['a1', 'b1']);
    await tick();
    expect(started).toEqual(['a1', 'b1']);
    g.open();
    await s.idle();
    expect(started).toEqual(['a1', 'b1', 'a2']);
  });

  it('refuses when the queue or a user queue is full, and says which', () => {
    const g = gate();
    const s = new Scheduler({ concurrency: 1, perUser: 1, queueLimit: 3, perUserQueueLimit: 2 });
    expect(s.enqueue('run', 'x', () => g.promise)).toEqual({ ok: true, position: 0 });
    expect(s.enqueue('a1', 'alice', () => g.promise)).toEqual({ ok: true, position: 1 });
    expect(s.enqueue('a2', 'alice', () => g.promise)).toEqual({ ok: true, position: 2 });
    expect(s.enqueue('a3', 'alice', () => g.promise)).toEqual({ ok: false, reason: 'user_busy' });
    expect(s.enqueue('b1', 'bob', () => g.promise).ok).toBe(true);
    expect(s.room('carol')).toBe('queue_full');
    expect(s.enqueue('c1', 'carol', () => g.promise)).toEqual({ ok: false, reason: 'queue_full' });
    s.close();
    g.open();
  });

  it('reports position changes and cancels a waiting job', async () => {
    const positions: [string, number][] = [];
    const g = gate();
    const s = new Scheduler({ concurrency: 1, perUser: 1, queueLimit: 10 }, { onPosition: (id, p) => positions.push([id, p]) });
    s.enqueue('run', 'x', () => g.promise);
    s.enqueue('a', 'alice', () => Promise.resolve());
    s.enqueue('b', 'bob', () => Promise.resolve());
    await tick();
    expect(positions).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    positions.length = 0;
    expect(s.cancel('a')).toBe(true);
    expect(s.cancel('a')).toBe(false);
    expect(s.cancel('run')).toBe(false);
    expect(s.position('b')).toBe(1);
    await tick();
    expect(positions).toEqual([['b', 1]]);
    expect(s.depth).toBe(1);
    g.open();
    await s.idle();
  });

  it('close() stops starting jobs and hands back the waiting ones', async () => {
    const g = gate();
    const started: string[] = [];
    const s = recording({ concurrency: 1, perUser: 1, queueLimit: 10 }, started);
    s.enqueue('run', 'x', () => g.promise);
    s.enqueue('w1', 'y', () => Promise.resolve());
    s.enqueue('w2', 'z', () => Promise.resolve());
    expect(s.close().sort()).toEqual(['w1', 'w2']);
    expect(s.room('q')).toBe('queue_full');
    g.open();
    await s.idle();
    expect(started).toEqual(['run']);
  });

  it('keeps going when a job rejects', async () => {
    const s = new Scheduler({ concurrency: 1, perUser: 1, queueLimit: 10 });
    const ran: string[] = [];
    s.enqueue('bad', 'a', () => Promise.reject(new Error('boom')));
    s.enqueue('good', 'b', () => {
      ran.push('good');
      return Promise.resolve();
    });
    await s.idle();
    expect(ran).toEqual(['good']);
  });

  it('publishes a burst of changes once, and computes any place on demand', async () => {
    const positions: [string, number][] = [];
    const g = gate();
    const s = new Scheduler({ concurrency: 1, perUser: 1, queueLimit: 1000 }, { onPosition: (id, p) => positions.push([id, p]) });
    s.enqueue('run', 'x', () => g.promise);
    for (let i = 0; i < 300; i++) expect(s.enqueue(`j${i}`, `user${i % 30}`, () => Promise.resolve())).toEqual({ ok: true, position: i + 1 });
    expect(positions).toEqual([]);
    await tick();
    expect(positions).toHaveLength(300);
    // user0 has 10 jobs: j0 first, then one per round of 30 users.
    expect(s.position('j30')).toBe(31);
    expect(s.position('j299')).toBe(300);
    s.close();
    g.open();
  });
});

