/**
 * Model-based test of the credit rules: random command sequences run against the real CreditService
 * on a real SQLite database and against a tiny in-memory model; after every step the database must
 * match the model and satisfy every ledger invariant (DESIGN §5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../src/core/model.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { createHarness, type Harness, holdInput, rowCounts } from './support.js';

const STARTING = 20;
const ACCOUNTS = ['cli:alice', 'discord:42', 'slack:T1:U9'] as const;

interface ModelAccount {
  balance: number;
  held: number;
  /** starting + grants + adjustments */
  funded: number;
  captured: number;
}
interface ModelJob {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly accountKey: string;
  readonly unitCost: number;
  readonly count: number;
  status: JobStatus;
}
interface Model {
  readonly accounts: Map<string, ModelAccount>;
  readonly jobs: ModelJob[];
  submits: number;
}
interface Real {
  readonly db: SqliteDatabase;
  readonly h: Harness;
  readonly invariants: () => void;
}

const unsettled = (job: ModelJob): boolean => job.status === 'queued' || job.status === 'running';
const cost = (job: ModelJob): number => job.unitCost * job.count;

function modelAccount(m: Model, key: string): ModelAccount {
  let account = m.accounts.get(key);
  if (!account) {
    account = { balance: STARTING, held: 0, funded: STARTING, captured: 0 };
    m.accounts.set(key, account);
  }
  return account;
}

/** Applies a settlement to the model; returns what the service should report. */
function modelSettle(m: Model, job: ModelJob, delivered: number, status: JobStatus): { captured: number; released: number } {
  const account = modelAccount(m, job.accountKey);
  const captured = Math.min(cost(job), delivered * job.unitCost);
  const released = cost(job) - captured;
  account.held -= cost(job);
  account.balance += released;
  account.captured += captured;
  job.status = status === 'succeeded' && delivered === 0 ? 'failed' : status;
  return { captured, released };
}

/** Every rule that must hold after every step, read straight from the database. */
function invariantsOf(db: SqliteDatabase, m: Model): () => void {
  const accounts = db.prepare<[], { key: string; balance: number; held: number }>('SELECT key, balance, held FROM accounts');
  const ledger = db.prepare<[string], { delta: number; heldDelta: number; funded: number; captured: number }>(
    `SELECT COALESCE(SUM(delta), 0) AS delta, COALESCE(SUM(held_delta), 0) AS heldDelta,
            COALESCE(SUM(CASE WHEN kind IN ('starting', 'grant', 'adjust') THEN delta END), 0) AS funded,
            COALESCE(SUM(CASE WHEN kind = 'capture' THEN -held_delta END), 0) AS captured
     FROM ledger WHERE account_key = ?`,
  );
  const jobsHeld = db.prepare<[string], { held: number }>(
    "SELECT COALESCE(SUM(held), 0) AS held FROM jobs WHERE account_key = ? AND status IN ('queued', 'running')",
  );
  const perJob = db.prepare<[], { id: string; cost: number; settled: number; captures: number; releases: number; moved: number }>(
    `SELECT j.id, j.cost, j.status NOT IN ('queued', 'running') AS settled,
            COUNT(CASE WHEN l.kind = 'capture' THEN 1 END) AS captures,
            COUNT(CASE WHEN l.kind = 'release' THEN 1 END) AS releases,
            COALESCE(SUM(CASE WHEN l.kind IN ('capture', 'release') THEN -l.held_delta END), 0) AS moved
     FROM jobs j LEFT JOIN ledger l ON l.job_id = j.id GROUP BY j.id`,
  );
  return () => {
    const rows = accounts.all();
    expect(rows.map((a) => a.key).sort()).toEqual([...m.accounts.keys()].sort());
    for (const a of rows) {
      const sums = ledger.get(a.key)!;
      const expected = m.accounts.get(a.key)!;
      expect(a.balance).toBeGreaterThanOrEqual(0);
      expect(a.held).toBeGreaterThanOrEqual(0);
      expect(sums.delta).toBe(a.balance);
      expect(sums.heldDelta).toBe(a.held);
      expect(a.balance + a.held).toBe(sums.funded - sums.captured);
      expect(a.held).toBe(jobsHeld.get(a.key)!.held);
      expect({ balance: a.balance, held: a.held, funded: sums.funded, captured: sums.captured }).toEqual(expected);
    }
    for (const job of perJob.all()) {
      expect(job.captures).toBeLessThanOrEqual(1);
      expect(job.releases).toBeLessThanOrEqual(1);
      expect(job.moved).toBe(job.settled ? job.cost : 0);
    }
  };
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** A command that advances the clock and re-checks every invariant after it runs. */
function command(label: string, check: (m: Readonly<Model>) => boolean, run: (m: Model, r: Real) => Promise<void>): Cmd {
  return {
    check,
    async run(m, r) {
      await run(m, r);
      r.h.clock.advance();
      r.invariants();
    },
    toString: () => label,
  };
}

const hasJobs = (m: Readonly<Model>): boolean => m.jobs.length > 0;
const pick = (m: Model, index: number): ModelJob => m.jobs[index % m.jobs.length]!;

const submit = (key: string, unitCost: number, count: number): Cmd =>
  command(`submit(${key}, ${unitCost}×${count})`, () => true, async (m, r) => {
    const idempotencyKey = `idem-${++m.submits}`;
    const before = rowCounts(r.db);
    const balance = m.accounts.get(key)?.balance ?? STARTING;
    const result = await r.h.credits.hold(holdInput({ accountKey: key, unitCost, count, idempotencyKey }));
    if (balance < unitCost * count) {
      expect(result).toEqual({ ok: false, reason: 'insufficient_credits', balance, cost: unitCost * count });
      expect(rowCounts(r.db)).toEqual(before);
      return;
    }
    if (!result.ok) throw new Error('hold refused with enough credits');
    expect(result.duplicate).toBe(false);
    const account = modelAccount(m, key);
    account.balance -= unitCost * count;
    account.held += unitCost * count;
    m.jobs.push({ id: result.job.id, idempotencyKey, accountKey: key, unitCost, count, status: 'queued' });
  });

const duplicate = (index: number): Cmd =>
  command(`duplicate(#${index})`, hasJobs, async (m, r) => {
    const job = pick(m, index);
    const before = rowCounts(r.db);
    const result = await r.h.credits.hold(
      holdInput({ accountKey: job.accountKey, unitCost: job.unitCost, count: job.count, idempotencyKey: job.idempotencyKey }),
    );
    expect(result).toMatchObject({ ok: true, duplicate: true, job: { id: job.id, status: job.status } });
    expect(rowCounts(r.db)).toEqual(before);
  });

const start = (index: number): Cmd =>
  command(`start(#${index})`, hasJobs, async (m, r) => {
    const job = pick(m, index);
    expect((await r.h.jobs.markRunning(job.id))?.status).toBe(job.status === 'queued' ? 'running' : undefined);
    if (job.status === 'queued') job.status = 'running';
  });

type Outcome = 'succeed' | 'fail' | 'partial';
const delivered = (job: ModelJob, outcome: Outcome, seed: number): number =>
  outcome === 'succeed' ? job.count : outcome === 'fail' ? 0 : seed % (job.count + 1);

async function settleOnce(m: Model, r: Real, job: ModelJob, outcome: Outcome, seed: number): Promise<void> {
  const n = delivered(job, outcome, seed);
  const status = outcome === 'fail' ? 'failed' : 'succeeded';
  const wasUnsettled = unsettled(job);
  const result = await r.h.credits.settle(job.id, { delivered: n, status });
  if (!wasUnsettled) {
    expect(result).toMatchObject({ settled: false, job: { status: job.status, held: 0 } });
    return;
  }
  const expected = modelSettle(m, job, n, status);
  expect(result).toMatchObject({ settled: true, ...expected, job: { status: job.status, held: 0 } });
}

const settle = (index: number, outcome: Outcome, seed: number): Cmd =>
  command(`${outcome}(#${index}, ${seed})`, hasJobs, (m, r) => settleOnce(m, r, pick(m, index), outcome, seed));

const settleTwice = (index: number, outcome: Outcome, seed: number): Cmd =>
  command(`settleTwice(#${index}, ${outcome}, ${seed})`, hasJobs, async (m, r) => {
    const job = pick(m, index);
    await settleOnce(m, r, job, outcome, seed);
    const ledgerRows = rowCounts(r.db).ledger;
    await settleOnce(m, r, job, outcome === 'fail' ? 'succeed' : 'fail', seed);
    expect(rowCounts(r.db).ledger).toBe(ledgerRows);
  });

const cancel = (index: number): Cmd =>
  command(`cancel(#${index})`, hasJobs, async (m, r) => {
    const job = pick(m, index);
    // The engine cancels only jobs still waiting in its queue; a running job settles when it ends.
    if (job.status !== 'queued') return;
    const result = await r.h.credits.settle(job.id, { delivered: 0, status: 'cancelled', errorCode: 'cancelled' });
    expect(result).toMatchObject({ settled: true, ...modelSettle(m, job, 0, 'cancelled') });
  });

const crash = command('crash+recover', () => true, async (m, r) => {
  const expected = m.jobs.filter(unsettled);
  for (const job of expected) modelSettle(m, job, 0, 'interrupted');
  const recovered = await r.h.jobs.recoverInterrupted();
  expect(recovered.map((job) => job.id).sort()).toEqual(expected.map((job) => job.id).sort());
});

const grant = (key: string, amount: number): Cmd =>
  command(`grant(${key}, ${amount})`, () => true, async (m, r) => {
    const account = modelAccount(m, key);
    account.balance += amount;
    account.funded += amount;
    expect(await r.h.credits.grant(key, amount, { actor: 'cli:root' })).toMatchObject({ balance: account.balance });
  });

const set = (key: string, amount: number): Cmd =>
  command(`set(${key}, ${amount})`, () => true, async (m, r) => {
    const account = modelAccount(m, key);
    account.funded += amount - account.balance;
    account.balance = amount;
    expect(await r.h.credits.set(key, amount, { actor: 'cli:root' })).toMatchObject({ balance: amount, held: account.held });
  });

const key = fc.constantFrom(...ACCOUNTS);
const outcome = fc.constantFrom<Outcome>('succeed', 'fail', 'partial');
const commands = [
  fc.tuple(key, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 4 })).map((a) => submit(...a)),
  fc.tuple(key, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 4 })).map((a) => submit(...a)),
  fc.nat().map(duplicate),
  fc.nat().map(start),
  fc.tuple(fc.nat(), outcome, fc.nat()).map((a) => settle(...a)),
  fc.tuple(fc.nat(), outcome, fc.nat()).map((a) => settleTwice(...a)),
  fc.nat().map(cancel),
  fc.constant(crash),
  fc.tuple(key, fc.integer({ min: 1, max: 30 })).map((a) => grant(...a)),
  fc.tuple(key, fc.integer({ min: 0, max: 40 })).map((a) => set(...a)),
];

describe('ledger invariants under random command sequences', () => {
  it('hold every step of every run', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), async (cmds) => {
        const db = openDatabase(':memory:');
        try {
          const model: Model = { accounts: new Map(), jobs: [], submits: 0 };
          const real: Real = { db, h: createHarness(db, STARTING), invariants: invariantsOf(db, model) };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
        } finally {
          db.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});
