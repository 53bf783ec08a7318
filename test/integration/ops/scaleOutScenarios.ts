/**
 * Two real bot processes (`node dist/main.js`) sharing one database, the Slack app in HTTP mode
 * behind a round-robin "load balancer" (each delivery goes to the next process), one provider key
 * that allows 2 generations at once. The key's limit holds across the processes, every job is
 * delivered once, and a process killed mid-burst has exactly its own jobs released, once, and its
 * users told by the survivor.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseAdmin } from '../../../src/core/databaseAdmin.js';
import type { Store } from '../../../src/core/storePorts.js';
import { openStore } from '../../../src/db/openStore.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { BotProcess, buildDist } from '../../support/botProcess.js';
import { freePort } from '../../support/freePort.js';

const CHANNEL = 'C0GENERAL';
const USERS = Array.from({ length: 10 }, (_, i) => `U0USER${i}`);
const KEY_LIMIT = 2;

export interface Engine {
  readonly name: string;
  /** Environment that points a process at a fresh database. */
  env(): Promise<Record<string, string>>;
  dispose(): Promise<void>;
}

/** The scenarios, on the engine a test file gives. */
export function scaleOutScenarios(engine: Engine): void {
  describe(`two bot processes on one ${engine.name}`, () => {
  let slack: FakeSlack;
  let nbpro: FakeNbproServer;
  let dbEnv: Record<string, string>;
  const bots: BotProcess[] = [];
  const opened: { store: Store; admin: DatabaseAdmin }[] = [];

  beforeAll(() => buildDist(), 120_000);
  beforeEach(async () => {
    slack = await startFakeSlack();
    slack.addChannel({ id: CHANNEL, name: 'general' });
    for (const user of USERS) slack.addUser(user, user.slice(2).toLowerCase());
    nbpro = await startNbproServer();
    dbEnv = await engine.env();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.dispose();
    for (const o of opened.splice(0)) await o.store.close();
    await slack.close();
    await nbpro.close();
    await engine.dispose();
  });

  async function startBot(): Promise<{ bot: BotProcess; url: string; instance: string }> {
    const port = await freePort();
    const bot = new BotProcess({
      SLACK_BOT_TOKEN: slack.tokens.bot,
      SLACK_SIGNING_SECRET: slack.tokens.signingSecret,
      SLACK_PORT: String(port),
      SLACK_API_URL: slack.apiUrl,
      NBPRO_API_KEY: nbpro.apiKey,
      NBPRO_BASE_URL: nbpro.url,
      PROVIDER_CONCURRENCY: String(KEY_LIMIT),
      STARTING_CREDITS: '50',
      // Short leases, so the survivor sees a dead peer within a second or so.
      INSTANCE_LEASE_SECONDS: '3',
      ...dbEnv,
    });
    bots.push(bot);
    const started = await bot.waitForLog('nano-imagine started');
    return { bot, url: `http://127.0.0.1:${port}/slack/events`, instance: String(started.instance) };
  }

  /** Opens the shared database from the test, as an operator's tool would. */
  async function database(): Promise<{ store: Store; admin: DatabaseAdmin }> {
    const { store, admin } = await openStore({ databasePath: dbEnv.DATABASE_PATH ?? '', databaseUrl: dbEnv.DATABASE_URL, spoolDir: undefined });
    opened.push({ store, admin });
    return { store, admin };
  }

  /** Sends one /imagine per job, alternating between the processes. */
  async function burst(urls: readonly string[], jobs: number): Promise<void> {
    for (let i = 0; i < jobs; i++) {
      slack.useHttp(urls[i % urls.length]!);
      const reply = await slack.deliver('command', slack.payloads.slashCommand({ text: `lantern ${i}`, user: USERS[i % USERS.length]!, channel: CHANNEL }));
      expect(reply.status).toBe(200);
    }
  }

  /** Every way a job's settlement is logged. */
  const SETTLED = ['job finished', 'job failed', 'job undelivered', 'job interrupted by restart'];

  /** Resolves once the processes logged `count` settlements between them. */
  async function settled(count: number, from: readonly BotProcess[]): Promise<void> {
    const seen = () => from.reduce((n, bot) => n + bot.lines.filter((l) => SETTLED.includes(l.msg)).length, 0);
    while (seen() < count) await Promise.race(from.map((bot) => bot.nextLog((l) => SETTLED.includes(l.msg))));
  }

  it('a burst of 20 jobs: never more than the key allows at the provider, all delivered once', async () => {
    nbpro.setMode({ kind: 'success', delayMs: 150 });
    const [a, b] = await Promise.all([startBot(), startBot()]);
    await burst([a.url, b.url], 20);
    await settled(20, [a.bot, b.bot]);
    const { store, admin } = await database();
    const jobs = await store.jobs.list({ limit: 100 });

    expect(nbpro.concurrency.peak).toBe(KEY_LIMIT);
    expect(nbpro.requests).toHaveLength(20);
    expect(jobs.map((j) => j.status)).toEqual(Array<string>(20).fill('succeeded'));
    // Both processes took part.
    expect(new Set(jobs.map((j) => j.owner))).toEqual(new Set([a.instance, b.instance]));
    const uploads = slack.calls.filter((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true);
    expect(uploads).toHaveLength(20);
    expect(await admin.check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('SIGKILL of one process mid-burst: its jobs are released once and its users told; the other goes on', async () => {
    nbpro.setMode({ kind: 'success', delayMs: 400 });
    const [a, b] = await Promise.all([startBot(), startBot()]);
    await burst([a.url, b.url], 12);
    await nbpro.waitForRequests(2);
    a.bot.kill('SIGKILL');
    await a.bot.exited;
    const settledByA = a.bot.lines.filter((l) => SETTLED.includes(l.msg)).length;
    // B delivers its own six and settles what A left: released, or delivered from the spool.
    await settled(12 - settledByA, [b.bot]);

    const { store, admin } = await database();
    const jobs = await store.jobs.list({ limit: 100 });
    const ofA = jobs.filter((j) => j.owner === a.instance);
    const ofB = jobs.filter((j) => j.owner === b.instance);
    expect([ofA.length, ofB.length]).toEqual([6, 6]);
    // What A had not delivered was released (or, when its images were kept, delivered by B);
    // everything of B was delivered.
    const killed = ofA.filter((j) => j.status !== 'succeeded');
    expect(killed.length).toBeGreaterThan(0);
    for (const job of killed) expect(job.status).toBe('interrupted');
    expect(ofB.map((j) => j.status)).toEqual(Array<string>(6).fill('succeeded'));
    // Released once each, and each user told, by the survivor.
    for (const job of killed) {
      const rows = await store.ledger.recent(job.accountKey, 100);
      expect(rows.filter((r) => r.jobId === job.id && r.kind === 'release')).toHaveLength(1);
      const user = job.accountKey.split(':')[2];
      await slack.waitForCall('chat.postEphemeral', (c) => c.args.user === user && /restarted|stopped/i.test(String(c.args.text)));
    }
    expect(nbpro.concurrency.peak).toBeLessThanOrEqual(KEY_LIMIT);
    expect(await admin.check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    expect(b.bot.lines.some((l) => l.msg === 'removed processes that stopped renewing')).toBe(true);
  });
});
}
