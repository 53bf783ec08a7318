/**
 * Model-based test of capture-after-delivery over the real engine: random sequences of submits,
 * platform answers (confirm all, confirm some, refuse, hang) and crashes with start-up re-delivery
 * run against a real core on a real SQLite file (and its spool beside it), and against a small
 * model of what the fake platform actually accepted. After every step the database must charge
 * exactly what reached the core as delivered, never more than the platform took, and keep the
 * ledger whole.
 *
 * The one case the product cannot tell apart, and which this test therefore allows: the platform
 * accepted a job's images, the process died before the confirmation reached the core, and the
 * re-delivery at the next start is then refused (or takes fewer images). The core only ever hears
 * of the attempt that answered it, so the images of the lost attempt were delivered once and never
 * charged. That is the operator's loss, never the user's: nothing is charged that was not
 * delivered. The invariants below assert that this is the ONLY way an accepted image goes
 * uncharged.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../../src/app/createCore.js';
import type { Delivery, JobEvent, OutputImage } from '../../../src/core/generation/types.js';
import type { Account, Job, JobStatus } from '../../../src/core/model.js';
import { OfflineProvider } from '../../../src/core/providers/offline.js';
import type { ImageProvider, ProviderCallOptions, ProviderRequest, ProviderResult } from '../../../src/core/providers/types.js';
import type { Platform } from '../../../src/core/vocabulary.js';
import { intent, startCore } from '../../support/coreHarness.js';
import { ManualClock } from '../../support/ManualClock.js';

const STARTING = 10;
/** Offline prices: one credit per image at every resolution. */
const UNIT = 1;
const ACCOUNTS: readonly { readonly key: string; readonly platform: Platform; readonly destination: Record<string, unknown> }[] = [
  { key: 'discord:100000000000000001', platform: 'discord', destination: { channelId: '200000000000000001', interaction: 'i-1' } },
  { key: 'discord:100000000000000002', platform: 'discord', destination: { channelId: '200000000000000002', interaction: 'i-2' } },
  { key: 'slack:T1:U9', platform: 'slack', destination: { team: 'T1', channel: 'C1', user: 'U9' } },
];
const ENV = {
  STARTING_CREDITS: String(STARTING),
  // Room for every job at once (3 accounts × 10 credits is at most 30 images held): a stalled job
  // must never hold up the next one.
  PROVIDER_CONCURRENCY: '64',
  USER_CONCURRENCY: '20',
  // A stalled call is ended by the crash, never by a timer during the test.
  PROVIDER_TIMEOUT_SECONDS: '3600',
};
/** Prompts with this word never come back from the provider until aborted (a job still running). */
const STALL = 'STALL';

/**
 * The offline renderer, each variation rendered once and reused (rendering is the slow part and
 * irrelevant here); prompts with {@link STALL} wait for the abort.
 */
class TestProvider implements ImageProvider {
  readonly id = 'offline' as const;
  readonly #inner = new OfflineProvider();
  readonly #rendered = new Map<number, Promise<ProviderResult>>();
  readonly #stallWaiters = new Map<string, () => void>();

  /** Resolves once a call for `prompt` reached the provider (and stalls there). */
  stalled(prompt: string): Promise<void> {
    return new Promise((resolve) => this.#stallWaiters.set(prompt, resolve));
  }

  generate(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResult> {
    options.signal.throwIfAborted();
    if (request.prompt.includes(STALL)) {
      this.#stallWaiters.get(request.prompt)?.();
      this.#stallWaiters.delete(request.prompt);
      return new Promise((_resolve, reject) => {
        options.signal.addEventListener('abort', () => reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted')), {
          once: true,
        });
      });
    }
    const variation = request.variation ?? 0;
    let rendered = this.#rendered.get(variation);
    if (!rendered) {
      rendered = this.#inner.generate({ ...request, prompt: `variation ${variation}` }, { signal: new AbortController().signal });
      this.#rendered.set(variation, rendered);
    }
    return rendered;
  }
}
/** Shared by every run and core: the renders are the same for all. */
const provider = new TestProvider();

type JobState =
  /** Running at the provider (never comes back until the crash). */
  | 'stalled'
  /** `ready`, the images with the platform's deliverer, which has not posted them yet. */
  | 'awaiting'
  /** The platform accepted `inFlight` images; the confirmation has not reached the core yet. */
  | 'posted'
  | 'settled';

interface ModelJob {
  readonly ordinal: number;
  readonly id: string;
  readonly idempotencyKey: string;
  readonly accountKey: string;
  readonly count: number;
  state: JobState;
  /** The live handle to answer with; gone after a crash. */
  delivery: Delivery | undefined;
  /** What the platform accepted, attempt by attempt (live posts and re-deliveries). */
  readonly posts: number[];
  /** Accepted by the platform in the attempt whose confirmation is still on its way. */
  inFlight: number;
  /** The images the answer that reached the core reported (live confirm or re-delivery). */
  reached: number | undefined;
  /** The platform accepted images and the process died before the core heard of it. */
  diedAfterPost: boolean;
  liveConfirmed: boolean;
  redeliveries: number;
  expectedStatus: JobStatus;
  expectedCaptured: number;
  readonly events: JobEvent[];
  /** The job's last event (succeeded or failed) as this process announced it. */
  readonly final: Promise<JobEvent>;
}

interface Model {
  readonly jobs: ModelJob[];
  readonly balances: Map<string, number>;
  submits: number;
  crashes: number;
}

interface Real {
  readonly dir: string;
  core: Core;
  clock: ManualClock;
}

const cost = (job: ModelJob): number => UNIT * job.count;
const live = (job: ModelJob): boolean => job.state === 'awaiting' || job.state === 'posted';
const maxPosted = (job: ModelJob): number => Math.max(0, ...job.posts);
const spoolDir = (r: Real): string => join(r.dir, 'spool');

async function openCore(dir: string, clock: ManualClock): Promise<Core> {
  return (await startCore(ENV, { clock, provider }, dir)).core;
}

/** Records a settlement in the model: `delivered` images reached the core as delivered. */
function settleModel(m: Model, job: ModelJob, delivered: number, status: JobStatus): void {
  const captured = Math.min(cost(job), delivered * UNIT);
  job.state = 'settled';
  job.delivery = undefined;
  job.expectedStatus = status;
  job.expectedCaptured = captured;
  m.balances.set(job.accountKey, m.balances.get(job.accountKey)! + cost(job) - captured);
}

/** Every rule that must hold between steps, read from the database and the spool. */
async function verify(m: Model, r: Real, afterRecovery: boolean): Promise<void> {
  const { core } = r;
  expect(await core.admin.check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });

  const unsettled = await core.jobs.unsettled();
  expect(unsettled.map((j) => j.id).sort()).toEqual(m.jobs.filter((j) => j.state !== 'settled').map((j) => j.id).sort());
  // (3) a delivering job always has its images in the spool.
  for (const job of unsettled) if (job.status === 'delivering') expect(existsSync(join(spoolDir(r), job.id)), `spool of ${job.id}`).toBe(true);
  if (afterRecovery) {
    // (3) after a start-up recovery nothing is left delivering and the spool is empty.
    expect(unsettled.filter((j) => j.status === 'delivering')).toEqual([]);
    expect(existsSync(spoolDir(r)) ? readdirSync(spoolDir(r)) : []).toEqual([]);
  }

  const rows = new Map<string, Job>();
  for (const mj of m.jobs) rows.set(mj.id, (await core.jobs.byId(mj.id))!);
  for (const mj of m.jobs) {
    const job = rows.get(mj.id)!;
    switch (mj.state) {
      case 'stalled':
        expect(job).toMatchObject({ status: 'running', held: cost(mj), captured: 0 });
        break;
      case 'awaiting':
      case 'posted':
        expect(job).toMatchObject({ status: 'delivering', held: cost(mj), captured: 0 });
        break;
      case 'settled': {
        expect(job).toMatchObject({ status: mj.expectedStatus, held: 0, captured: mj.expectedCaptured });
        // (1) nothing charged without delivery.
        expect(job.captured).toBeLessThanOrEqual(UNIT * maxPosted(mj));
        // (2) charged exactly what the answer that reached the core reported.
        if (mj.reached !== undefined) expect(job.captured).toBe(UNIT * mj.reached);
        else expect(job.captured).toBe(0);
        // The only way an accepted image goes uncharged: accepted by an attempt whose process died
        // before confirming, then the re-delivery took fewer (or none).
        if (job.captured < UNIT * maxPosted(mj)) {
          expect(mj.diedAfterPost, `uncharged images of ${mj.id} without a crash after posting`).toBe(true);
          expect(mj.reached ?? 0).toBeLessThan(maxPosted(mj));
        }
        break;
      }
    }
    // (2) a job confirmed live is never re-delivered.
    if (mj.liveConfirmed) expect(mj.redeliveries).toBe(0);
    expect(mj.redeliveries).toBeLessThanOrEqual(1);
  }

  // (4) balances: what was captured is exactly what left the accounts (no grants here).
  let accounts = 0;
  let balances = 0;
  let held = 0;
  for (const { key } of ACCOUNTS) {
    const account = await core.credits.account(key);
    const jobs = m.jobs.filter((j) => j.accountKey === key);
    if (!account) {
      expect(jobs).toEqual([]);
      continue;
    }
    accounts += 1;
    balances += account.balance;
    held += account.held;
    const capturedHere = jobs.reduce((sum, j) => sum + rows.get(j.id)!.captured, 0);
    expect(account.balance + account.held + capturedHere).toBe(STARTING);
    expect(account.held).toBe(jobs.filter((j) => j.state !== 'settled').reduce((sum, j) => sum + cost(j), 0));
    expect(account.balance).toBe(m.balances.get(key));
  }
  const captured = m.jobs.reduce((sum, j) => sum + rows.get(j.id)!.captured, 0);
  expect(captured).toBe(STARTING * accounts - balances - held);
  if (unsettled.length === 0) expect(held).toBe(0);
}

type Cmd = fc.AsyncCommand<Model, Real>;

function command(label: string, check: (m: Readonly<Model>) => boolean, run: (m: Model, r: Real) => Promise<boolean | void> | boolean | void): Cmd {
  return {
    check,
    async run(m, r) {
      const recovered = (await run(m, r)) === true;
      // Half the instance lease: the process renews its lease between steps.
      r.clock.advance(15_001);
      await verify(m, r, recovered);
    },
    toString: () => label,
  };
}

const submit = (account: number, count: number, stall: boolean): Cmd => {
  const { key, platform, destination } = ACCOUNTS[account]!;
  return command(`submit(${key}, ×${count}${stall ? ', stalls' : ''})`, () => true, async (m, r) => {
    const ordinal = ++m.submits;
    const prompt = stall ? `${STALL} koi ${ordinal}` : `a koi pond ${ordinal}`;
    const balance = m.balances.get(key) ?? STARTING;
    const events: JobEvent[] = [];
    let onReady: (event: JobEvent) => void = () => undefined;
    const ready = new Promise<JobEvent>((resolve) => (onReady = resolve));
    let onFinal: (event: JobEvent) => void = () => undefined;
    const final = new Promise<JobEvent>((resolve) => (onFinal = resolve));
    const stalled = stall ? provider.stalled(prompt) : undefined;
    const idempotencyKey = `delivery-prop-${ordinal}`;
    const outcome = await r.core.generation.submit(intent({ idempotencyKey, accountKey: key, platform, destination, prompt, options: { count } }), (event) => {
      events.push(event);
      if (event.type === 'ready' || event.type === 'failed') onReady(event);
      if (event.type === 'succeeded' || event.type === 'failed') onFinal(event);
    });
    if (balance < UNIT * count) {
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'insufficient_credits', balance, cost: UNIT * count } });
      return;
    }
    if (!outcome.ok) throw new Error(`refused: ${outcome.refusal.code}`);
    m.balances.set(key, balance - UNIT * count);
    const job: ModelJob = {
      ordinal,
      id: outcome.job.id,
      idempotencyKey,
      accountKey: key,
      count,
      state: 'stalled',
      delivery: undefined,
      posts: [],
      inFlight: 0,
      reached: undefined,
      diedAfterPost: false,
      liveConfirmed: false,
      redeliveries: 0,
      expectedStatus: 'running',
      expectedCaptured: 0,
      events,
      final,
    };
    m.jobs.push(job);
    if (stalled) {
      await stalled;
      return;
    }
    const event = await ready;
    if (event.type !== 'ready') throw new Error(`the job did not become ready: ${event.type} ${JSON.stringify(event.job)}`);
    expect(event.images).toHaveLength(count);
    expect(event.job).toMatchObject({ id: job.id, status: 'delivering', held: cost(job), captured: 0 });
    job.state = 'awaiting';
    job.delivery = event.delivery;
  });
};

type Answer = 'all' | 'some' | 'refuse' | 'post-then-hang';

/** The fake platform answers a live job: it posts (or not) and the deliverer tells the core. */
const answer = (index: number, how: Answer, seed: number): Cmd =>
  command(`answer(#${index}, ${how}, ${seed})`, (m) => m.jobs.some(live), async (m) => {
    const candidates = m.jobs.filter(live);
    const job = candidates[index % candidates.length]!;
    const delivery = job.delivery!;
    const before = job.events.length;
    if (job.state === 'posted') {
      // The platform's reply for the earlier post finally reaches the core.
      delivery.confirm(job.inFlight);
    } else if (how === 'post-then-hang') {
      job.inFlight = 1 + (seed % job.count);
      job.posts.push(job.inFlight);
      job.state = 'posted';
      return;
    } else if (how === 'refuse') {
      job.inFlight = 0;
      job.posts.push(0);
      delivery.fail(new Error('the platform refused the upload'));
    } else {
      job.inFlight = how === 'all' ? job.count : seed % (job.count + 1);
      job.posts.push(job.inFlight);
      delivery.confirm(job.inFlight);
    }
    await confirmed(m, job, before);
  });

/** The deliverer's answer for `job.inFlight` images reached the core: settled and announced once. */
async function confirmed(m: Model, job: ModelJob, eventsBefore: number): Promise<void> {
  const delivery = job.delivery!;
  const delivered = job.inFlight;
  job.reached = delivered > 0 ? delivered : undefined;
  job.liveConfirmed = true;
  settleModel(m, job, delivered, delivered > 0 ? 'succeeded' : 'failed');
  // The settlement is written asynchronously; its event follows.
  await job.final;
  const final = job.events.slice(eventsBefore);
  expect(final.map((e) => e.type)).toEqual([delivered > 0 ? 'succeeded' : 'failed']);
  if (delivered > 0) expect(final[0]).toMatchObject({ delivered, captured: UNIT * delivered, released: cost(job) - UNIT * delivered });
  else expect(final[0]).toMatchObject({ code: 'undelivered', refunded: cost(job) });
  // The first answer settles; a second one changes nothing (verify checks the database).
  delivery.fail(new Error('a second answer'));
  delivery.confirm(job.count);
  await new Promise((resolve) => setImmediate(resolve));
  expect(job.events).toHaveLength(eventsBefore + 1);
}

/** The same user action arrives again (a retried interaction): the job it made, nothing held twice. */
const resubmit = (index: number): Cmd =>
  command(`resubmit(#${index})`, (m) => m.jobs.length > 0, async (m, r) => {
    const job = m.jobs[index % m.jobs.length]!;
    const { platform, destination } = ACCOUNTS.find((a) => a.key === job.accountKey)!;
    const outcome = await r.core.generation.submit(
      intent({ idempotencyKey: job.idempotencyKey, accountKey: job.accountKey, platform, destination, options: { count: job.count } }),
    );
    expect(outcome).toMatchObject({ ok: true, duplicate: true, job: { id: job.id } });
  });

/** The bot's periodic sweep for jobs of dead processes: it must never take this process's own jobs. */
const sweep: Cmd = command('sweep', () => true, async (_m, r) => {
  expect(await r.core.generation.recoverInterrupted()).toEqual([]);
});

type Redelivery = 'all' | 'some' | 'none' | 'throw';
type CrashKind = 'shutdown' | 'graceful' | 'kill';

/**
 * The process stops and a new one opens the same database, recovers interrupted jobs and
 * re-delivers what was left `delivering`. `shutdown`: a shutdown whose grace ran out, the
 * platform's confirmations for posted jobs arriving too late; `graceful`: they arrive within the
 * grace; `kill`: the process dies with no shutdown at all.
 */
async function crash(m: Model, r: Real, kind: CrashKind, plan: readonly (readonly [Redelivery, number])[]): Promise<void> {
  m.crashes += 1;
  const old = r.core;
  if (kind === 'graceful') {
    const stopping = old.generation.shutdown(0);
    // Every confirmation arrives within the grace: all are given before any settlement is awaited
    // (one that arrived after the deadline would be ignored, as in the `shutdown` case).
    const posted = m.jobs.filter((j) => j.state === 'posted').map((job) => {
      const before = job.events.length;
      job.delivery!.confirm(job.inFlight);
      return { job, before };
    });
    for (const { job, before } of posted) await confirmed(m, job, before);
    await stopping;
  }
  if (kind === 'shutdown') {
    await old.generation.shutdown(0);
    for (const job of m.jobs.filter((j) => j.state === 'posted')) {
      // The platform's confirmation arrives at the process that is going away: it is ignored, and
      // the job stays delivering for the next start.
      job.delivery!.confirm(job.inFlight);
      expect(await old.jobs.byId(job.id)).toMatchObject({ status: 'delivering', captured: 0 });
    }
  }
  await old.close();
  const stalledAtCrash = m.jobs.filter((j) => j.state === 'stalled').map((j) => j.id);
  for (const job of m.jobs) {
    if (job.state === 'stalled') settleModel(m, job, 0, 'interrupted');
    if (job.state === 'posted') job.diedAfterPost = true;
    job.delivery = undefined;
  }

  r.clock = new ManualClock(r.clock.now() + 1_000);
  r.core = await openCore(r.dir, r.clock);
  const interrupted = await r.core.generation.recoverInterrupted();
  // A shutdown settles its stalled jobs itself; after a kill the next start does. Jobs left
  // delivering are not interrupted: they are re-delivered below.
  expect(interrupted.map((j) => [j.id, j.status]).sort()).toEqual(kind === 'kill' ? stalledAtCrash.sort().map((id) => [id, 'interrupted']) : []);

  const toDeliver = new Set(m.jobs.filter(live).map((j) => j.id));
  const redeliver = (job: Job, images: readonly OutputImage[], account: Account): Promise<number> => {
    const mj = m.jobs.find((j) => j.id === job.id);
    expect(mj, `re-delivery of an unknown job ${job.id}`).toBeDefined();
    expect(toDeliver.has(job.id), `re-delivery of ${job.id}, which was not left delivering`).toBe(true);
    expect(job.status).toBe('delivering');
    expect(images).toHaveLength(mj!.count);
    expect(account.key).toBe(mj!.accountKey);
    mj!.redeliveries += 1;
    const [how, seed] = plan[mj!.ordinal % plan.length]!;
    if (how === 'throw') {
      mj!.posts.push(0);
      return Promise.reject(new Error('the platform is unreachable'));
    }
    const took = how === 'all' ? mj!.count : how === 'none' ? 0 : 1 + (seed % mj!.count);
    mj!.posts.push(took);
    return Promise.resolve(took);
  };
  const released = await r.core.generation.recoverDeliveries(redeliver);

  for (const job of m.jobs.filter(live)) {
    expect(job.redeliveries, `${job.id} left delivering was not re-delivered`).toBe(1);
    const took = job.posts[job.posts.length - 1]!;
    job.reached = took > 0 ? took : undefined;
    settleModel(m, job, took, took > 0 ? 'succeeded' : 'failed');
  }
  const refused = m.jobs.filter((j) => toDeliver.has(j.id) && j.reached === undefined).map((j) => j.id);
  expect(released.map((j) => j.id).sort()).toEqual(refused.sort());
}

const redelivery = fc.tuple(fc.constantFrom<Redelivery>('all', 'some', 'none', 'throw'), fc.nat({ max: 99 }));
const plan = fc.array(redelivery, { minLength: 1, maxLength: 4 });
const crashCommand = (kind: CrashKind, p: readonly (readonly [Redelivery, number])[]): Cmd =>
  command(`crash(${kind}, ${JSON.stringify(p)})`, () => true, async (m, r) => {
    await crash(m, r, kind, p);
    return true;
  });

const account = fc.nat({ max: ACCOUNTS.length - 1 });
const count = fc.integer({ min: 1, max: 4 });
// Posting and then losing the confirmation is the interesting case: twice as likely as the others.
const answerKind = fc.constantFrom<Answer>('all', 'some', 'refuse', 'post-then-hang', 'post-then-hang');
const submitCommand = fc.tuple(account, count, fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }));
const answerCommand = fc.tuple(fc.nat(), answerKind, fc.nat({ max: 99 }));
// Weighted by repetition: submits come four times, answers three times as often as crashes.
const commands = [
  ...Array.from({ length: 4 }, () => submitCommand.map((a) => submit(...a))),
  ...Array.from({ length: 3 }, () => answerCommand.map((a) => answer(...a))),
  fc.tuple(fc.constantFrom<CrashKind>('shutdown', 'graceful', 'kill'), plan).map((a) => crashCommand(...a)),
  fc.nat().map(resubmit),
  fc.constant(sweep),
];

/** Runs `cmds` on a fresh database, then stops and starts once more: nothing may be left unsettled. */
async function runScenario(cmds: Iterable<Cmd>, lastKind: CrashKind, lastPlan: readonly (readonly [Redelivery, number])[]): Promise<Model> {
  const dir = mkdtempSync(join(tmpdir(), 'ni-delivery-prop-'));
  const clock = new ManualClock(1_700_000_000_000);
  const real: Real = { dir, clock, core: await openCore(dir, clock) };
  const model: Model = { jobs: [], balances: new Map(), submits: 0, crashes: 0 };
  try {
    await fc.asyncModelRun(() => ({ model, real }), cmds);
    await crash(model, real, lastKind, lastPlan);
    await verify(model, real, true);
    expect(await real.core.jobs.unsettled()).toEqual([]);
    for (const { key } of ACCOUNTS) expect((await real.core.credits.account(key))?.held ?? 0).toBe(0);
    return model;
  } finally {
    await real.core.generation.shutdown(0);
    await real.core.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

describe('capture after delivery under random submits, answers and crashes', () => {
  it('charges only what the platform took, and exactly what reached the core', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 20, size: 'max' }), fc.constantFrom<CrashKind>('shutdown', 'graceful', 'kill'), plan, async (cmds, kind, last) => {
        await runScenario(cmds, kind, last);
      }),
      { numRuns: 40 },
    );
  });

  it('a refused delivery, live or after a restart, is never charged', async () => {
    const model = await runScenario(
      [submit(0, 3, false), answer(0, 'refuse', 0), submit(1, 2, false), crashCommand('kill', [['throw', 0]])],
      'shutdown',
      [['all', 0]],
    );
    expect(model.jobs.map((j) => [j.expectedStatus, j.expectedCaptured, j.posts])).toEqual([
      ['failed', 0, [0]],
      ['failed', 0, [0]],
    ]);
  });

  it('the one uncharged delivery: accepted, the confirmation lost in a crash, the re-delivery refused', async () => {
    const model = await runScenario(
      [submit(2, 2, false), answer(0, 'post-then-hang', 1), submit(2, 1, false), answer(1, 'all', 0)],
      'shutdown',
      [['throw', 0]],
    );
    // The first job's two images reached the channel, yet nothing was charged for them.
    expect(model.jobs.map((j) => ({ status: j.expectedStatus, captured: j.expectedCaptured, posts: j.posts, died: j.diedAfterPost }))).toEqual([
      { status: 'failed', captured: 0, posts: [2, 0], died: true },
      { status: 'succeeded', captured: 1, posts: [1], died: false },
    ]);
  });
});
