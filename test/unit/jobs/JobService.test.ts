import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import type { Job } from '../../../src/core/model.js';
import { JOB_FAILURE_TEXT } from '../../../src/core/userText.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { createHarness, type Harness, holdInput, rejected, rowCounts } from '../credits/support.js';

let dir: string;
let db: SqliteDatabase;
let h: Harness;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ni-jobs-'));
  db = openDatabase(join(dir, 'jobs.db'));
  h = createHarness(db, 50);
});

afterEach(() => {
  // Whatever a test did, the ledger still adds up.
  expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Holds a job and returns it (fails the test when the hold is refused). */
async function held(overrides: Parameters<typeof holdInput>[0] = {}): Promise<Job> {
  const result = await h.credits.hold(holdInput(overrides));
  if (!result.ok) throw new Error('hold refused');
  return result.job;
}

describe('lookup', () => {
  it('finds a job by its id and by its idempotency key, and nothing for a key it never saw', async () => {
    const job = await held({ idempotencyKey: 'discord-interaction-1', unitCost: 3 });
    expect(await h.jobs.byId(job.id)).toEqual(job);
    expect(await h.jobs.byIdempotencyKey('discord-interaction-1')).toEqual(job);
    // An id is not an idempotency key, nor the other way round.
    expect(await h.jobs.byIdempotencyKey(job.id)).toBeUndefined();
    expect(await h.jobs.byId('discord-interaction-1')).toBeUndefined();
    expect(await h.jobs.byId('job-404')).toBeUndefined();
  });

  it('returns the job as it is now, after it ran and settled', async () => {
    const job = await held({ unitCost: 2, count: 2 });
    h.clock.advance(100);
    await h.jobs.markRunning(job.id);
    h.clock.advance(100);
    await h.credits.settle(job.id, { delivered: 1, status: 'succeeded' });
    expect(await h.jobs.byId(job.id)).toMatchObject({ status: 'succeeded', held: 0, captured: 2, startedAt: job.createdAt + 100, finishedAt: job.createdAt + 200 });
    expect(await h.jobs.byIdempotencyKey(job.idempotencyKey)).toEqual(await h.jobs.byId(job.id));
  });
});

describe('history', () => {
  it('lists newest first, all accounts or one, up to the limit', async () => {
    for (const key of ['cli:alice', 'cli:bob', 'cli:alice', 'discord:42']) {
      h.clock.advance(10);
      await held({ accountKey: key });
    }
    expect((await h.jobs.history()).map((j) => j.id)).toEqual(['job-4', 'job-3', 'job-2', 'job-1']);
    expect((await h.jobs.history({ accountKey: 'cli:alice' })).map((j) => j.id)).toEqual(['job-3', 'job-1']);
    expect((await h.jobs.history({ accountKey: 'cli:alice', limit: 1 })).map((j) => j.id)).toEqual(['job-3']);
    expect((await h.jobs.history({ limit: 2 })).map((j) => j.id)).toEqual(['job-4', 'job-3']);
    // A well-formed key nobody used has no history; looking creates no account.
    expect(await h.jobs.history({ accountKey: 'slack:T1:U1' })).toEqual([]);
    expect(await h.credits.account('slack:T1:U1')).toBeUndefined();
  });

  it('returns 20 jobs unless told otherwise, and at most 1000', async () => {
    for (let i = 0; i < 22; i += 1) await held({ unitCost: 0 });
    expect(await h.jobs.history()).toHaveLength(20);
    expect((await h.jobs.history())[0]!.id).toBe('job-22');
    expect(await h.jobs.history({ limit: 1000 })).toHaveLength(22);
  });

  it.each([0, -1, 1.5, Number.NaN, 1001, Number.POSITIVE_INFINITY])('refuses the limit %d with a ValidationError', async (limit) => {
    const error = await rejected(() => h.jobs.history({ limit }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_input', message: `The limit must be a whole number from 1 to 1000; got ${String(limit)}.` });
  });

  it.each(['', 'alice', 'discord:abc', 'slack:T1', 'cli:a b', 'telegram:1'])('refuses the account key %j with a ValidationError', async (accountKey) => {
    await held();
    const error = await rejected(() => h.jobs.history({ accountKey }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_account_key' });
  });
});

describe('markRunning', () => {
  it('moves a queued job to running, stamped with the clock, exactly once', async () => {
    const job = await held({ unitCost: 4 });
    h.clock.advance(250);
    expect(await h.jobs.markRunning(job.id)).toEqual({ ...job, status: 'running', startedAt: job.createdAt + 250 });
    h.clock.advance(250);
    expect(await h.jobs.markRunning(job.id)).toBeUndefined();
    expect(await h.jobs.byId(job.id)).toMatchObject({ status: 'running', startedAt: job.createdAt + 250, held: 4 });
  });

  it('leaves settled jobs, and ids it does not know, alone', async () => {
    const cancelled = await held();
    await h.credits.settle(cancelled.id, { delivered: 0, status: 'cancelled', errorCode: 'cancelled' });
    const succeeded = await held();
    await h.credits.settle(succeeded.id, { delivered: 1, status: 'succeeded' });
    const before = [await h.jobs.byId(cancelled.id), await h.jobs.byId(succeeded.id)];
    const rows = rowCounts(db);
    expect(await h.jobs.markRunning(cancelled.id)).toBeUndefined();
    expect(await h.jobs.markRunning(succeeded.id)).toBeUndefined();
    expect(await h.jobs.markRunning('job-404')).toBeUndefined();
    expect([await h.jobs.byId(cancelled.id), await h.jobs.byId(succeeded.id)]).toEqual(before);
    expect(rowCounts(db)).toEqual(rows);
  });
});

describe('recoverInterrupted', () => {
  it('settles every queued and running job as interrupted, one release row each, and leaves settled jobs alone', async () => {
    const queued = await held({ accountKey: 'cli:alice', unitCost: 3 });
    h.clock.advance();
    const running = await held({ accountKey: 'discord:7', unitCost: 2, count: 2 });
    await h.jobs.markRunning(running.id);
    h.clock.advance();
    const done = await held({ accountKey: 'cli:alice', unitCost: 1 });
    await h.credits.settle(done.id, { delivered: 1, status: 'succeeded' });
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 46, held: 3 });
    const ledgerBefore = rowCounts(db).ledger;
    h.clock.advance(1000);

    const recovered = await h.jobs.recoverInterrupted();

    expect(recovered.map((j) => j.id)).toEqual([queued.id, running.id]);
    for (const job of recovered) {
      expect(job).toMatchObject({
        status: 'interrupted',
        held: 0,
        captured: 0,
        errorCode: 'interrupted',
        errorMessage: JOB_FAILURE_TEXT.interrupted,
        finishedAt: h.clock.now(),
      });
      expect(job).toEqual(await h.jobs.byId(job.id));
    }
    expect(rowCounts(db).ledger).toBe(ledgerBefore + 2);
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'release', delta: 3, heldDelta: -3, jobId: queued.id, actor: 'system' }),
    ]);
    expect(await h.credits.recentLedger('discord:7', 1)).toEqual([
      expect.objectContaining({ kind: 'release', delta: 4, heldDelta: -4, jobId: running.id, actor: 'system' }),
    ]);
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 49, held: 0 });
    expect(await h.credits.account('discord:7')).toMatchObject({ balance: 50, held: 0 });
    expect(await h.jobs.byId(done.id)).toMatchObject({ status: 'succeeded', captured: 1, errorCode: null });
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });

    // Nothing is left to recover: a second pass writes nothing.
    expect(await h.jobs.recoverInterrupted()).toEqual([]);
    expect(rowCounts(db).ledger).toBe(ledgerBefore + 2);
  });

  it('takes only the jobs the predicate picks, and asks it about unsettled jobs only, oldest first', async () => {
    const mine = await held({ accountKey: 'cli:alice', unitCost: 2 });
    h.clock.advance();
    const orphan = await held({ accountKey: 'slack:T1:U1', unitCost: 5 });
    h.clock.advance();
    const finished = await held({ accountKey: 'slack:T1:U1', unitCost: 1 });
    await h.credits.settle(finished.id, { delivered: 1, status: 'succeeded' });
    const asked: string[] = [];

    const recovered = await h.jobs.recoverInterrupted((job) => {
      asked.push(job.id);
      return job.platform !== 'cli';
    });

    expect(asked).toEqual([mine.id, orphan.id]);
    expect(recovered.map((j) => [j.id, j.status])).toEqual([[orphan.id, 'interrupted']]);
    expect(await h.jobs.byId(mine.id)).toMatchObject({ status: 'queued', held: 2 });
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 48, held: 2 });
    expect(await h.credits.account('slack:T1:U1')).toMatchObject({ balance: 49, held: 0 });
    // The job left alone can still start.
    expect(await h.jobs.markRunning(mine.id)).toMatchObject({ status: 'running' });
  });

  it('settles nothing when the predicate throws', async () => {
    await held({ unitCost: 2 });
    await held({ unitCost: 3 });
    const rows = rowCounts(db);
    let calls = 0;
    await expect(
      h.jobs.recoverInterrupted(() => {
        calls += 1;
        if (calls === 2) throw new Error('predicate failed');
        return true;
      }),
    ).rejects.toThrow('predicate failed');
    expect(rowCounts(db)).toEqual(rows);
    expect((await h.jobs.history()).map((j) => j.status)).toEqual(['queued', 'queued']);
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 45, held: 5 });
  });

  it('releases a free job without a ledger row', async () => {
    const free = await held({ unitCost: 0 });
    const rows = rowCounts(db).ledger;
    expect(await h.jobs.recoverInterrupted()).toEqual([expect.objectContaining({ id: free.id, status: 'interrupted', held: 0 })]);
    expect(rowCounts(db).ledger).toBe(rows);
  });
});
