import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountKey, platformOf } from '../../../src/core/credits/accountKey.js';
import { CreditService } from '../../../src/core/credits/CreditService.js';
import { ValidationError } from '../../../src/core/errors.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { isUnsettled, type Account, type Job } from '../../../src/core/model.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { createHarness, type Harness, holdInput, rejected, rowCounts, thrown } from './support.js';

const admin = { actor: 'discord:1', reason: 'prize' };

let db: SqliteDatabase;
let h: Harness;

beforeEach(() => {
  db = openDatabase(':memory:');
  h = createHarness(db, 50);
});

afterEach(() => {
  // Every test must leave a database that passes `db check`.
  expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  db.close();
});

describe('account keys', () => {
  it('builds and recognises the three platforms', () => {
    expect(accountKey.discord('123456789012345678')).toBe('discord:123456789012345678');
    expect(accountKey.slack('T0123', 'U0456')).toBe('slack:T0123:U0456');
    expect(accountKey.cli('alice.b')).toBe('cli:alice.b');
    expect(platformOf('discord:1')).toBe('discord');
    expect(platformOf('slack:T1:W2')).toBe('slack');
    expect(platformOf('cli:bob')).toBe('cli');
  });

  it.each(['', 'alice', 'discord:', 'discord:abc', 'discord:1:2', 'slack:T1', 'slack:t1:u1', 'slack:T1:U1:X', 'cli:', 'cli:a b', 'cli:a:b', 'telegram:1'])(
    'refuses %j',
    async (key) => {
      const error = thrown(() => platformOf(key));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'invalid_account_key' });
      expect(await rejected(() => h.credits.ensureAccount(key, 'cli'))).toBeInstanceOf(ValidationError);
    },
  );

  it('refuses a platform that does not match the key', async () => {
    expect(await rejected(() => h.credits.ensureAccount('cli:alice', 'discord'))).toMatchObject({ code: 'invalid_account_key' });
  });
});

describe('ensureAccount', () => {
  it('gives the starting credits once, with one starting row', async () => {
    const first = await h.credits.ensureAccount('discord:42', 'discord', 'Ada');
    h.clock.advance(10);
    const again = await h.credits.ensureAccount('discord:42', 'discord', 'Someone else');
    expect(first).toMatchObject({ key: 'discord:42', platform: 'discord', displayName: 'Ada', balance: 50, held: 0 });
    expect(again).toEqual(first);
    expect(await h.credits.recentLedger('discord:42')).toEqual([
      expect.objectContaining({ kind: 'starting', delta: 50, heldDelta: 0, jobId: null, actor: 'system' }),
    ]);
  });

  it('takes the platform from the key when none is given', async () => {
    expect(await h.credits.ensureAccount('slack:T1:U2')).toMatchObject({ platform: 'slack', displayName: null, balance: 50 });
  });

  it('does not create an account when only looking', async () => {
    expect(await h.credits.account('cli:nobody')).toBeUndefined();
    expect(rowCounts(db).accounts).toBe(0);
  });
});

describe('grant and set', () => {
  it('grant adds to the balance with a ledger row naming actor and reason', async () => {
    await h.credits.ensureAccount('cli:alice', 'cli');
    const after = await h.credits.grant('cli:alice', 25, admin);
    expect(after).toMatchObject({ balance: 75, held: 0 });
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'grant', delta: 25, heldDelta: 0, actor: 'discord:1', reason: 'prize' }),
    ]);
  });

  it('grant creates an unknown account first', async () => {
    expect(await h.credits.grant('cli:new', 5, { actor: 'cli:root' })).toMatchObject({ balance: 55 });
    expect((await h.credits.recentLedger('cli:new')).map((e) => [e.kind, e.delta, e.reason])).toEqual([
      ['grant', 5, null],
      ['starting', 50, null],
    ]);
  });

  it('set writes an adjust row of the difference and leaves held credits alone', async () => {
    const held = await h.credits.hold(holdInput({ unitCost: 10 }));
    expect(held.ok).toBe(true);
    const after = await h.credits.set('cli:alice', 7, admin);
    expect(after).toMatchObject({ balance: 7, held: 10 });
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'adjust', delta: 7 - 40, heldDelta: 0, actor: 'discord:1', reason: 'prize' }),
    ]);
    expect((await h.credits.set('cli:alice', 7, admin)).balance).toBe(7);
    expect((await h.credits.recentLedger('cli:alice', 1))[0]).toMatchObject({ kind: 'adjust', delta: 0 });
  });

  it.each([-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2e12])('grant refuses %s', async (amount) => {
    const error = await rejected(() => h.credits.grant('cli:alice', amount, admin));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_amount' });
    expect(rowCounts(db)).toEqual({ accounts: 0, ledger: 0, jobs: 0 });
  });

  it('says an amount is too large, not too small, however many digits it has', async () => {
    const message = async (fn: () => unknown) => ((await rejected(fn)) as ValidationError).message;
    for (const amount of [2e12, Number('12345678901234567890'), Number.MAX_VALUE, Number.POSITIVE_INFINITY]) {
      expect(await message(() => h.credits.grant('cli:alice', amount, admin)), String(amount)).toBe('The amount to grant is too large: at most 1,000,000,000,000 credits.');
      expect(await message(() => h.credits.set('cli:alice', amount, admin))).toMatch(/^The balance is too large/);
    }
    expect(await message(() => h.credits.grant('cli:alice', 0, admin))).toMatch(/at least 1/);
    expect(await message(() => h.credits.grant('cli:alice', 1.5, admin))).toMatch(/whole number/);
  });

  it.each([-1, 2.5, Number.NaN])('set refuses %s', async (amount) => {
    expect(await rejected(() => h.credits.set('cli:alice', amount, admin))).toMatchObject({ code: 'invalid_amount' });
  });

  it('refuses a grant that would pass the largest balance, and rolls back the account it created', async () => {
    expect(await rejected(() => h.credits.grant('cli:alice', 1e12, admin))).toMatchObject({ code: 'invalid_amount' });
    expect(rowCounts(db)).toEqual({ accounts: 0, ledger: 0, jobs: 0 });
  });

  it('requires an actor', async () => {
    expect(await rejected(() => h.credits.grant('cli:alice', 1, { actor: ' ' }))).toBeInstanceOf(ValidationError);
  });

  it('refuses a bad starting amount', () => {
    for (const startingCredits of [-5, 0.5]) {
      expect(thrown(() => new CreditService({ store: h.store, clock: h.clock, startingCredits }))).toBeInstanceOf(
        ValidationError,
      );
    }
  });
});

describe('hold', () => {
  it('moves the cost from balance to held and creates a queued job with a hold row', async () => {
    const result = await h.credits.hold(holdInput({ unitCost: 4, count: 3, displayName: 'Alice' }));
    expect(result).toMatchObject({
      ok: true,
      duplicate: false,
      account: { balance: 38, held: 12, displayName: 'Alice' },
      job: { id: 'job-1', status: 'queued', platform: 'cli', cost: 12, held: 12, captured: 0, unitCost: 4 },
    });
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'hold', delta: -12, heldDelta: 12, jobId: 'job-1', actor: 'cli:alice' }),
    ]);
    expect(await h.credits.totalHeld()).toBe(12);
  });

  it('writes nothing when credits are short, for a new account', async () => {
    const result = await h.credits.hold(holdInput({ unitCost: 51 }));
    expect(result).toEqual({ ok: false, reason: 'insufficient_credits', balance: 50, cost: 51 });
    expect(rowCounts(db)).toEqual({ accounts: 0, ledger: 0, jobs: 0 });
  });

  it('writes nothing when credits are short, for an existing account', async () => {
    await h.credits.set('cli:alice', 3, admin);
    const before = rowCounts(db);
    expect(await h.credits.hold(holdInput({ unitCost: 2, count: 2 }))).toEqual({
      ok: false,
      reason: 'insufficient_credits',
      balance: 3,
      cost: 4,
    });
    expect(rowCounts(db)).toEqual(before);
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 3, held: 0 });
  });

  it('can spend the balance to exactly zero', async () => {
    expect(await h.credits.hold(holdInput({ unitCost: 50 }))).toMatchObject({ ok: true, account: { balance: 0, held: 50 } });
  });

  it('returns the existing job for a repeated idempotency key and holds nothing more', async () => {
    const input = holdInput({ idempotencyKey: 'interaction-1', unitCost: 4, count: 2 });
    const first = await h.credits.hold(input);
    const second = await h.credits.hold({ ...input, id: 'another-id' });
    expect(second).toMatchObject({ ok: true, duplicate: true, job: { id: 'job-1' }, account: { balance: 42, held: 8 } });
    expect(first.ok && second.ok && second.job).toEqual(first.ok && first.job);
    expect(rowCounts(db)).toEqual({ accounts: 1, ledger: 2, jobs: 1 });
  });

  it('finds a job by its idempotency key', async () => {
    await h.credits.hold(holdInput({ idempotencyKey: 'interaction-9' }));
    expect((await h.jobs.byIdempotencyKey('interaction-9'))?.id).toBe('job-1');
    expect(await h.jobs.byId('interaction-9')).toBeUndefined();
    expect((await h.jobs.byId('job-1'))?.idempotencyKey).toBe('interaction-9');
  });

  it('accepts the platform and creation time when the caller passes them, and checks the platform', async () => {
    const result = await h.credits.hold(holdInput({ accountKey: 'discord:5', platform: 'discord', createdAt: 1234 }));
    expect(result).toMatchObject({ ok: true, job: { platform: 'discord', createdAt: 1234 } });
    const error = await rejected(() => h.credits.hold(holdInput({ accountKey: 'discord:5', platform: 'slack' })));
    expect(error).toMatchObject({ code: 'invalid_account_key' });
  });

  it('refuses a repeated idempotency key from another account', async () => {
    await h.credits.hold(holdInput({ idempotencyKey: 'k' }));
    expect(await rejected(() => h.credits.hold(holdInput({ idempotencyKey: 'k', accountKey: 'cli:mallory' })))).toMatchObject({
      code: 'idempotency_conflict',
    });
  });

  it('stores the request, destination and parent as given', async () => {
    const input = holdInput({ parentId: 'job-0', destination: { channelId: 'c9', threadTs: '1.2' }, kind: 'reroll' });
    const result = await h.credits.hold(input);
    expect(result.ok && await h.jobs.byId(result.job.id)).toMatchObject({
      request: input.request,
      destination: { channelId: 'c9', threadTs: '1.2' },
      parentId: 'job-0',
      kind: 'reroll',
      outputs: [],
      startedAt: null,
      finishedAt: null,
    });
  });

  it.each([
    ['a negative price', { unitCost: -1, cost: -1 }],
    ['a fractional price', { unitCost: 0.5, cost: 0.5 }],
    ['a cost that is not price × count', { unitCost: 4, count: 2, cost: 4 }],
    ['no images', { count: 0, cost: 0 }],
    ['an empty idempotency key', { idempotencyKey: '' }],
  ])('refuses %s', async (_name, overrides) => {
    expect(await rejected(() => h.credits.hold(holdInput(overrides)))).toBeInstanceOf(ValidationError);
    expect(rowCounts(db)).toEqual({ accounts: 0, ledger: 0, jobs: 0 });
  });

  it('refuses with user_busy or queue_full when queueLimits are reached, counting queued jobs only, and writes nothing', async () => {
    const queueLimits = { account: 2, all: 3, waitingHere: { account: 0, all: 0 } };
    const a1 = await h.credits.hold(holdInput({ queueLimits }));
    const a2 = await h.credits.hold(holdInput({ queueLimits }));
    expect(a1.ok && a2.ok).toBe(true);
    let before = rowCounts(db);
    expect(await h.credits.hold(holdInput({ queueLimits }))).toEqual({ ok: false, reason: 'user_busy' });
    expect(rowCounts(db)).toEqual(before);
    // Another account still fits, up to the total.
    expect(await h.credits.hold(holdInput({ accountKey: 'cli:bob', queueLimits }))).toMatchObject({ ok: true });
    before = rowCounts(db);
    expect(await h.credits.hold(holdInput({ accountKey: 'cli:carol', queueLimits }))).toEqual({ ok: false, reason: 'queue_full' });
    expect(rowCounts(db)).toEqual(before);
    expect(await h.credits.account('cli:carol')).toBeUndefined();
    // A running job is no longer queued: room again, for the account and in all.
    await h.jobs.markRunning(a1.ok ? a1.job.id : '');
    expect(await h.credits.hold(holdInput({ queueLimits }))).toMatchObject({ ok: true });
    // Settled jobs do not count either.
    await h.credits.settle(a2.ok ? a2.job.id : '', { delivered: 0, status: 'cancelled', errorCode: 'cancelled' });
    expect(await h.credits.hold(holdInput({ accountKey: 'cli:carol', queueLimits }))).toMatchObject({ ok: true });
    // Without limits nothing is counted.
    expect(await h.credits.hold(holdInput({ accountKey: 'cli:dave' }))).toMatchObject({ ok: true });
    // A repeated idempotency key is still the same job, not a refusal.
    const input = holdInput({ accountKey: 'cli:erin' });
    await h.credits.hold(input);
    expect(await h.credits.hold({ ...input, queueLimits: { account: 0, all: 0, waitingHere: { account: 0, all: 0 } } })).toMatchObject({ ok: true, duplicate: true });
  });

  it("counts the owner's own waiting jobs as its scheduler reports them, and other owners' from the database", async () => {
    const limits = (waiting: number) => ({ account: 2, all: 10, waitingHere: { account: waiting, all: waiting } });
    // Two of this owner's jobs are queued in the database, but its scheduler has taken both: room.
    await h.credits.hold(holdInput({ owner: 'here', queueLimits: limits(0) }));
    await h.credits.hold(holdInput({ owner: 'here', queueLimits: limits(0) }));
    expect(await h.credits.hold(holdInput({ owner: 'here', queueLimits: limits(0) }))).toMatchObject({ ok: true });
    // Its scheduler has two waiting: full, whatever the database says of them.
    expect(await h.credits.hold(holdInput({ owner: 'here', queueLimits: limits(2) }))).toEqual({ ok: false, reason: 'user_busy' });
    // Another process's view: all three queued jobs of 'here' count.
    expect(await h.credits.hold(holdInput({ owner: 'there', queueLimits: limits(0) }))).toEqual({ ok: false, reason: 'user_busy' });
  });

  it('refuses for credits before looking at the queue', async () => {
    expect(await h.credits.hold(holdInput({ unitCost: 51, queueLimits: { account: 0, all: 0, waitingHere: { account: 0, all: 0 } } }))).toEqual({
      ok: false,
      reason: 'insufficient_credits',
      balance: 50,
      cost: 51,
    });
  });

  it('stores the notice given with the hold on the job, null when none is given', async () => {
    const notice = 'Made with “nano-banana-2”: the model asked for was retired.';
    const withNotice = await h.credits.hold(holdInput({ notice }));
    const without = await h.credits.hold(holdInput());
    if (!withNotice.ok || !without.ok) throw new Error('hold refused');
    expect(withNotice.job.notice).toBe(notice);
    expect(without.job.notice).toBeNull();
    expect(await h.jobs.byId(withNotice.job.id)).toEqual(withNotice.job);
    expect(await h.jobs.byId(without.job.id)).toMatchObject({ notice: null });
  });

  it('holds a free job without ledger rows', async () => {
    const result = await h.credits.hold(holdInput({ unitCost: 0 }));
    expect(result).toMatchObject({ ok: true, account: { balance: 50, held: 0 } });
    expect(result.ok && await h.credits.settle(result.job.id, { delivered: 1, status: 'succeeded' })).toMatchObject({
      settled: true,
      captured: 0,
      released: 0,
    });
  });
});

describe('settle', () => {
  async function submit(unitCost: number, count: number): Promise<string> {
    const result = await h.credits.hold(holdInput({ unitCost, count }));
    if (!result.ok) throw new Error('hold refused');
    return result.job.id;
  }

  it('captures the whole cost on full success, exactly once', async () => {
    const id = await submit(4, 2);
    expect(await h.jobs.markRunning(id)).toMatchObject({ status: 'running' });
    h.clock.advance(1500);
    const outputs = [{ name: 'a.png', mime: 'image/png', bytes: 10, width: 1, height: 1 }];
    const first = await h.credits.settle(id, { delivered: 2, status: 'succeeded', outputs });
    expect(first).toMatchObject({
      settled: true,
      captured: 8,
      released: 0,
      account: { balance: 42, held: 0 },
      job: { status: 'succeeded', held: 0, captured: 8, model: 'offline-1', outputs, errorCode: null },
    });
    expect(first.job.finishedAt! - first.job.startedAt!).toBe(1500);
    const ledgerRows = rowCounts(db).ledger;
    const second = await h.credits.settle(id, { delivered: 0, status: 'failed', errorCode: 'internal' });
    expect(second).toEqual({ settled: false, job: first.job });
    expect(rowCounts(db).ledger).toBe(ledgerRows);
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 42, held: 0 });
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'capture', delta: 0, heldDelta: -8, jobId: id, actor: 'system' }),
    ]);
  });

  it('charges only the images delivered on partial success', async () => {
    const id = await submit(4, 3);
    const result = await h.credits.settle(id, { delivered: 2, status: 'succeeded' });
    expect(result).toMatchObject({ settled: true, captured: 8, released: 4, account: { balance: 42, held: 0 } });
    expect((await h.credits.recentLedger('cli:alice', 2)).map((e) => [e.kind, e.delta, e.heldDelta])).toEqual([
      ['release', 4, -4],
      ['capture', 0, -8],
    ]);
  });

  it('never captures more than was held', async () => {
    const id = await submit(4, 1);
    expect(await h.credits.settle(id, { delivered: 3, status: 'succeeded' })).toMatchObject({ captured: 4, released: 0 });
  });

  it('releases everything on failure and keeps the error', async () => {
    const id = await submit(6, 2);
    const result = await h.credits.settle(id, {
      delivered: 0,
      status: 'failed',
      errorCode: 'provider_unavailable',
      errorMessage: 'The image service is down.',
    });
    expect(result).toMatchObject({
      captured: 0,
      released: 12,
      account: { balance: 50, held: 0 },
      job: { status: 'failed', errorCode: 'provider_unavailable', errorMessage: 'The image service is down.' },
    });
  });

  it('records "succeeded" with nothing delivered as failed', async () => {
    const id = await submit(4, 1);
    expect(await h.credits.settle(id, { delivered: 0, status: 'succeeded' })).toMatchObject({
      released: 4,
      job: { status: 'failed', errorCode: 'no_output' },
    });
  });

  it('charges the unit cost of who served the job, as stored when it started delivering, and names it on the capture row', async () => {
    const id = await submit(4, 3);
    await h.jobs.markRunning(id);
    const outputs = [{ name: 'a.png', mime: 'image/png', bytes: 10, width: 1, height: 1 }];
    const fallback = { provider: 'nbapi', model: 'gemini-3-pro-image', unitCost: 3, notice: 'Made by nbapi: offline was down.' } as const;
    expect(await h.jobs.markDelivering(id, outputs, fallback)).toMatchObject({ status: 'delivering', ...fallback, cost: 12, held: 12 });
    // The served unit cost is what each image is charged: 2 × 3, the rest of the 12 held released.
    const result = await h.credits.settle(id, { delivered: 2, status: 'succeeded', outputs });
    expect(result).toMatchObject({
      settled: true,
      captured: 6,
      released: 6,
      account: { balance: 44, held: 0 },
      job: { status: 'succeeded', ...fallback, captured: 6 },
    });
    // Release rows name nothing.
    expect((await h.credits.recentLedger('cli:alice', 2)).map((e) => [e.kind, e.heldDelta, e.actor, e.reason])).toEqual([
      ['release', -6, 'system', null],
      ['capture', -6, 'system', 'served by nbapi gemini-3-pro-image'],
    ]);
  });

  it('names the provider and model asked for on the capture row when the job was served as asked', async () => {
    const id = await submit(4, 1);
    await h.credits.settle(id, { delivered: 1, status: 'succeeded' });
    expect(await h.credits.recentLedger('cli:alice', 1)).toEqual([
      expect.objectContaining({ kind: 'capture', heldDelta: -4, jobId: id, reason: 'served by offline offline-1' }),
    ]);
  });

  it('never charges more than was quoted, even when the served price is higher', async () => {
    const id = await submit(4, 2);
    await h.jobs.markRunning(id);
    await h.jobs.markDelivering(id, [], { provider: 'nbapi', model: 'dear', unitCost: 10, notice: null });
    expect(await h.credits.settle(id, { delivered: 2, status: 'succeeded' })).toMatchObject({ captured: 8, released: 0, account: { balance: 42 } });
  });

  it('settles a refused job as refused, releasing everything, exactly once', async () => {
    const id = await submit(5, 2);
    await h.jobs.markRunning(id);
    const refusal = { delivered: 0, status: 'refused', errorCode: 'provider_refused', errorMessage: 'The provider refused this prompt.' } as const;
    const result = await h.credits.settle(id, refusal);
    expect(result).toMatchObject({
      settled: true,
      captured: 0,
      released: 10,
      account: { balance: 50, held: 0 },
      job: { status: 'refused', held: 0, captured: 0, errorCode: 'provider_refused', errorMessage: 'The provider refused this prompt.' },
    });
    expect(isUnsettled(result.job)).toBe(false);
    expect(await h.jobs.unsettled()).toEqual([]);
    expect((await h.credits.recentLedger('cli:alice', 1)).map((e) => [e.kind, e.delta, e.reason])).toEqual([['release', 10, null]]);
    expect(await h.credits.settle(id, refusal)).toMatchObject({ settled: false, job: { status: 'refused' } });
    expect(await h.jobs.recoverInterrupted()).toEqual([]);
  });

  it('refuses a bad delivered count and an unknown job', async () => {
    const id = await submit(4, 1);
    expect(await rejected(() => h.credits.settle(id, { delivered: -1, status: 'failed' }))).toBeInstanceOf(ValidationError);
    expect(await rejected(() => h.credits.settle(id, { delivered: 0.5, status: 'failed' }))).toBeInstanceOf(ValidationError);
    expect(await rejected(() => h.credits.settle('nope', { delivered: 0, status: 'failed' }))).toMatchObject({
      code: 'job_not_found',
    });
  });
});

describe('cancelling', () => {
  const cancelled = { delivered: 0, status: 'cancelled', errorCode: 'cancelled' } as const;

  it('releases a queued job, after which it cannot start', async () => {
    const held = await h.credits.hold(holdInput({ unitCost: 5 }));
    const id = held.ok ? held.job.id : '';
    expect(await h.credits.settle(id, cancelled)).toMatchObject({
      settled: true,
      released: 5,
      account: { balance: 50, held: 0 },
      job: { status: 'cancelled', errorCode: 'cancelled' },
    });
    expect(await h.jobs.markRunning(id)).toBeUndefined();
    expect(await h.credits.settle(id, cancelled)).toMatchObject({ settled: false, job: { status: 'cancelled' } });
  });
});

describe('recoverInterrupted (JobService)', () => {
  it('settles queued and running jobs as interrupted and returns their holds', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      h.clock.advance();
      const result = await h.credits.hold(holdInput({ unitCost: n, accountKey: n === 3 ? 'discord:7' : 'cli:alice' }));
      ids.push(result.ok ? result.job.id : '');
    }
    await h.jobs.markRunning(ids[0]!);
    await h.credits.settle(ids[1]!, { delivered: 1, status: 'succeeded' });
    const recovered = await h.jobs.recoverInterrupted();
    expect(recovered.map((job) => [job.id, job.status, job.held, job.errorCode])).toEqual([
      [ids[0], 'interrupted', 0, 'interrupted'],
      [ids[2], 'interrupted', 0, 'interrupted'],
    ]);
    expect(recovered[0]!.errorMessage).toBe('The bot restarted before this job finished.');
    expect(await h.credits.account('cli:alice')).toMatchObject({ balance: 48, held: 0 });
    expect(await h.credits.account('discord:7')).toMatchObject({ balance: 50, held: 0 });
    expect(await h.credits.totalHeld()).toBe(0);
    expect(await h.jobs.recoverInterrupted()).toEqual([]);
  });
});

describe('what a movement returns', () => {
  // Jobs and accounts are built from what was written, not read back: they must match a fresh read.
  const stored = async (result: { job: Job; account?: Account }) => {
    expect(result.job).toEqual(await h.jobs.byId(result.job.id));
    if (result.account) expect(result.account).toEqual(await h.credits.account(result.account.key));
  };

  it('is what the database now holds, for every kind of movement', async () => {
    const outputs = [{ name: 'a.png', mime: 'image/png', bytes: 10, width: 1, height: 1, sourceUrl: 'https://x/a.png' }];
    const first = await h.credits.hold(holdInput({ unitCost: 3, count: 3, parentId: 'p-1', destination: { channel: 'c', n: [1] } }));
    if (!first.ok) throw new Error('hold refused');
    await stored(first);
    h.clock.advance(5);
    const again = await h.credits.hold(holdInput({ unitCost: 2 }));
    if (!again.ok) throw new Error('hold refused');
    await stored(again);
    await h.jobs.markRunning(first.job.id);
    h.clock.advance(5);
    const settled = await h.credits.settle(first.job.id, { delivered: 2, status: 'succeeded', outputs });
    expect(settled).toMatchObject({ settled: true, captured: 6, released: 3 });
    await stored(settled);
    await stored(await h.credits.settle(first.job.id, { delivered: 1, status: 'succeeded' }));
    await stored(await h.credits.settle(again.job.id, { delivered: 0, status: 'cancelled', errorCode: 'cancelled' }));
    const free = await h.credits.hold(holdInput({ unitCost: 0 }));
    if (!free.ok) throw new Error('hold refused');
    await stored(free);
    await stored(await h.credits.settle(free.job.id, { delivered: 0, status: 'failed' }));
    expect(await h.credits.grant('cli:alice', 7, admin)).toEqual(await h.credits.account('cli:alice'));
    expect(await h.credits.set('cli:alice', 9, admin)).toEqual(await h.credits.account('cli:alice'));
    expect(await h.credits.ensureAccount('cli:new')).toEqual(await h.credits.account('cli:new'));
    const late = await h.credits.hold(holdInput({ unitCost: 1, accountKey: 'cli:late' }));
    if (!late.ok) throw new Error('hold refused');
    await stored(late);
    for (const job of await h.jobs.recoverInterrupted()) expect(job).toEqual(await h.jobs.byId(job.id));
  });
});

describe('listing', () => {
  it('lists jobs newest first, per account or all, and the ledger newest first', async () => {
    for (const key of ['cli:alice', 'cli:bob', 'cli:alice']) {
      await h.credits.hold(holdInput({ accountKey: key }));
    }
    // Same millisecond: the later insert still comes first.
    expect((await h.jobs.history()).map((job) => job.id)).toEqual(['job-3', 'job-2', 'job-1']);
    expect((await h.jobs.history({ accountKey: 'cli:alice', limit: 1 })).map((job) => job.id)).toEqual(['job-3']);
    expect((await h.credits.recentLedger('cli:alice')).map((e) => e.kind)).toEqual(['hold', 'hold', 'starting']);
    expect(await rejected(() => h.jobs.history({ limit: 0 }))).toBeInstanceOf(ValidationError);
    expect(await h.jobs.byId('nope')).toBeUndefined();
  });
});
