/**
 * Model-based test of the credit rules, for any engine: random command sequences run against the
 * real CreditService on a real store and against a tiny in-memory model; after every step the store
 * must match the model and satisfy every ledger invariant (DESIGN §5). The store is read only
 * through its ports (accounts, ledger, jobs), the sums are taken here, and the engine's own
 * `db check` ({@link DatabaseAdmin.check}) must find nothing wrong either.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DatabaseAdmin, DatabaseCheck } from '../../../src/core/databaseAdmin.js';
import { isUnsettled, type Job, type JobStatus, type LedgerEntry } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/storePorts.js';
import { type Harness, harnessOn, holdInput } from './support.js';

/** A fresh, migrated, empty store and its admin port; `cleanup` closes the store and removes its data. */
export interface LedgerEngine {
  readonly store: Store;
  readonly admin: DatabaseAdmin;
  cleanup(): Promise<void>;
}

export interface LedgerPropertyOptions {
  /** Command sequences to run, each on a store of its own. */
  readonly numRuns: number;
  /** Commands per sequence at most. */
  readonly maxCommands: number;
  /**
   * Run the engine's `db check` after every this many steps (1: every step); always after the last.
   * @defaultValue 1
   */
  readonly checkEvery?: number;
  /** For the whole property, in milliseconds. */
  readonly timeout?: number;
}

const STARTING = 20;
const ACCOUNTS = ['cli:alice', 'discord:42', 'slack:T1:U9'] as const;
/** More rows than any run writes, to read the ledger and the jobs whole. */
const ALL = 1_000_000;
const HEALTHY: DatabaseCheck = { integrity: 'ok', invariant: [], jobs: [] };

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
  captured: number;
}
interface Model {
  readonly accounts: Map<string, ModelAccount>;
  readonly jobs: ModelJob[];
  submits: number;
}
interface Real {
  readonly store: Store;
  readonly admin: DatabaseAdmin;
  readonly h: Harness;
  readonly checkEvery: number;
  steps: number;
}

const unsettled = (job: ModelJob): boolean => job.status === 'queued' || job.status === 'running';
const cost = (job: ModelJob): number => job.unitCost * job.count;
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const ids = (jobs: readonly { id: string }[]): string[] => jobs.map((job) => job.id).sort();

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
  job.captured = captured;
  job.status = status === 'succeeded' && delivered === 0 ? 'failed' : status;
  return { captured, released };
}

/** Every credit row a command could write: the accounts, their ledgers, the jobs. */
async function footprint(store: Store): Promise<{ accounts: unknown[]; ledger: LedgerEntry[][]; jobs: Job[] }> {
  const [accounts, ledger, jobs] = await Promise.all([
    Promise.all(ACCOUNTS.map((key) => store.accounts.find(key))),
    Promise.all(ACCOUNTS.map((key) => store.ledger.recent(key, ALL))),
    store.jobs.list({ limit: ALL }),
  ]);
  return { accounts, ledger, jobs };
}

/** Every rule that must hold after every step, read through the store's ports. */
async function checkInvariants(m: Model, store: Store): Promise<void> {
  const [accounts, ledgers, jobs, unsettledJobs, totalHeld] = await Promise.all([
    Promise.all(ACCOUNTS.map((key) => store.accounts.find(key))),
    Promise.all(ACCOUNTS.map((key) => store.ledger.recent(key, ALL))),
    store.jobs.list({ limit: ALL }),
    store.jobs.unsettled(),
    store.accounts.totalHeld(),
  ]);

  expect(ACCOUNTS.filter((_, i) => accounts[i] !== undefined)).toEqual(ACCOUNTS.filter((key) => m.accounts.has(key)));
  ACCOUNTS.forEach((key, i) => {
    const a = accounts[i];
    const entries = ledgers[i]!;
    const expected = m.accounts.get(key);
    if (!a || !expected) {
      expect(entries).toEqual([]);
      return;
    }
    expect(entries.every((entry) => entry.accountKey === key)).toBe(true);
    const sums = {
      delta: sum(entries.map((entry) => entry.delta)),
      heldDelta: sum(entries.map((entry) => entry.heldDelta)),
      funded: sum(entries.filter((entry) => ['starting', 'grant', 'adjust'].includes(entry.kind)).map((entry) => entry.delta)),
      captured: sum(entries.filter((entry) => entry.kind === 'capture').map((entry) => -entry.heldDelta)),
    };
    expect(a.balance).toBeGreaterThanOrEqual(0);
    expect(a.held).toBeGreaterThanOrEqual(0);
    expect(sums.delta).toBe(a.balance);
    expect(sums.heldDelta).toBe(a.held);
    expect(a.balance + a.held).toBe(sums.funded - sums.captured);
    expect(a.held).toBe(sum(unsettledJobs.filter((job) => job.accountKey === key).map((job) => job.held)));
    expect({ balance: a.balance, held: a.held, funded: sums.funded, captured: sums.captured }).toEqual(expected);
  });
  expect(totalHeld).toBe(sum([...m.accounts.values()].map((account) => account.held)));

  expect(ids(jobs)).toEqual(ids(m.jobs));
  expect(ids(unsettledJobs)).toEqual(ids(m.jobs.filter(unsettled)));
  const byJob = new Map<string | null, LedgerEntry[]>();
  for (const entry of ledgers.flat()) byJob.set(entry.jobId, [...(byJob.get(entry.jobId) ?? []), entry]);
  for (const job of jobs) {
    const modelJob = m.jobs.find((candidate) => candidate.id === job.id)!;
    expect(job).toMatchObject({
      accountKey: modelJob.accountKey,
      unitCost: modelJob.unitCost,
      cost: cost(modelJob),
      status: modelJob.status,
      held: unsettled(modelJob) ? cost(modelJob) : 0,
      captured: modelJob.captured,
    });
    const rows = byJob.get(job.id) ?? [];
    const moved = rows.filter((entry) => entry.kind === 'capture' || entry.kind === 'release');
    expect(rows.filter((entry) => entry.kind === 'capture').length).toBeLessThanOrEqual(1);
    expect(rows.filter((entry) => entry.kind === 'release').length).toBeLessThanOrEqual(1);
    expect(sum(moved.map((entry) => -entry.heldDelta))).toBe(isUnsettled(job) ? 0 : job.cost);
  }
  // No ledger row names a job that is not there.
  expect([...byJob.keys()].filter((id) => id !== null && !jobs.some((job) => job.id === id))).toEqual([]);
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** A command that advances the clock and re-checks every invariant (and, every few steps, `db check`) after it runs. */
function command(label: string, check: (m: Readonly<Model>) => boolean, run: (m: Model, r: Real) => Promise<void>): Cmd {
  return {
    check,
    async run(m, r) {
      await run(m, r);
      r.h.clock.advance();
      await checkInvariants(m, r.store);
      if (++r.steps % r.checkEvery === 0) expect(await r.admin.check()).toEqual(HEALTHY);
    },
    toString: () => label,
  };
}

const hasJobs = (m: Readonly<Model>): boolean => m.jobs.length > 0;
const pick = (m: Model, index: number): ModelJob => m.jobs[index % m.jobs.length]!;

const submit = (key: string, unitCost: number, count: number): Cmd =>
  command(`submit(${key}, ${unitCost}×${count})`, () => true, async (m, r) => {
    const idempotencyKey = `idem-${++m.submits}`;
    const before = await footprint(r.store);
    const balance = m.accounts.get(key)?.balance ?? STARTING;
    const result = await r.h.credits.hold(holdInput({ accountKey: key, unitCost, count, idempotencyKey }));
    if (balance < unitCost * count) {
      expect(result).toEqual({ ok: false, reason: 'insufficient_credits', balance, cost: unitCost * count });
      expect(await footprint(r.store)).toEqual(before);
      return;
    }
    if (!result.ok) throw new Error('hold refused with enough credits');
    expect(result.duplicate).toBe(false);
    const account = modelAccount(m, key);
    account.balance -= unitCost * count;
    account.held += unitCost * count;
    m.jobs.push({ id: result.job.id, idempotencyKey, accountKey: key, unitCost, count, status: 'queued', captured: 0 });
    expect(await r.store.jobs.find(result.job.id)).toEqual(result.job);
    expect(await r.store.jobs.findByIdempotencyKey(idempotencyKey)).toEqual(result.job);
  });

const duplicate = (index: number): Cmd =>
  command(`duplicate(#${index})`, hasJobs, async (m, r) => {
    const job = pick(m, index);
    const before = await footprint(r.store);
    const result = await r.h.credits.hold(
      holdInput({ accountKey: job.accountKey, unitCost: job.unitCost, count: job.count, idempotencyKey: job.idempotencyKey }),
    );
    expect(result).toMatchObject({ ok: true, duplicate: true, job: { id: job.id, status: job.status } });
    expect(await footprint(r.store)).toEqual(before);
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
    const { ledger } = await footprint(r.store);
    await settleOnce(m, r, job, outcome === 'fail' ? 'succeed' : 'fail', seed);
    expect((await footprint(r.store)).ledger).toEqual(ledger);
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
  expect(ids(recovered)).toEqual(ids(expected));
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

/**
 * The ledger property on one engine: `makeEngine` gives every run a store of its own, which the
 * run cleans up after itself.
 */
export function describeLedgerProperty(engineName: string, makeEngine: () => Promise<LedgerEngine>, options: LedgerPropertyOptions): void {
  const { numRuns, maxCommands, checkEvery = 1, timeout } = options;
  describe(`ledger invariants under random command sequences (${engineName})`, () => {
    it('hold every step of every run', { ...(timeout !== undefined && { timeout }) }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands, size: 'max' }), async (cmds) => {
          const engine = await makeEngine();
          try {
            const model: Model = { accounts: new Map(), jobs: [], submits: 0 };
            const real: Real = { store: engine.store, admin: engine.admin, h: harnessOn(engine.store, STARTING), checkEvery, steps: 0 };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            expect(await engine.admin.check()).toEqual(HEALTHY);
          } finally {
            await engine.cleanup();
          }
        }),
        { numRuns },
      );
    });
  });
}
