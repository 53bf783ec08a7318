/**
 * Slack replicas: several real bot processes for one Slack app on one SQLite file, against the
 * fake Slack and the fake nbpro provider. In Socket Mode each process (`node dist/main.js`) opens
 * its own connection with the same app token and the fake spreads envelopes over them, redelivers
 * one that is not acked in time to the other, or sends one to both; in HTTP mode requests are
 * posted to one replica and retried on the other. Whatever the path, one request makes one job,
 * one hold and one reply — checked in the fake's records and in the ledger after every process
 * has stopped (so nothing can still be on its way).
 *
 * Every job here settles well within the minute after which each bot releases the chat jobs it
 * does not run itself, the other replicas' included (Known limits in docs/architecture.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { solidPng } from '../../fakes/imageFixtures.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { input, startFakeSlack, type ApiCall, type Delivered, type FakeSlack, type FakeView } from '../../fakes/slack.js';
import { BotProcess, buildDist, waitForLogCount } from '../../support/botProcess.js';

const TEAM = 'T0FAKE';
const CHANNEL = 'C0GENERAL';
const USERS = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'] as const;
const [ALICE, BOB, CAROL] = USERS;
const COST = 4;
const STARTING = 50;
const HTTP_REPLICA = fileURLToPath(new URL('./fixtures/httpReplica.ts', import.meta.url));

interface Ledger {
  readonly jobs: { id: string; key: string; account: string; kind: string; status: string; cost: number; held: number; captured: number }[];
  readonly rows: { kind: string; job: string | null }[];
  /** Accounts whose balance or held credits are not the sum of their ledger rows. */
  readonly broken: string[];
  readonly held: number;
}

function readLedger(path: string): Ledger {
  const db = new Database(path, { readonly: true });
  try {
    const jobs = db
      .prepare('SELECT id, idempotency_key AS key, account_key AS account, kind, status, cost, held, captured FROM jobs ORDER BY rowid')
      .all() as Ledger['jobs'];
    const rows = db.prepare('SELECT kind, job_id AS job FROM ledger ORDER BY rowid').all() as Ledger['rows'];
    const broken = db
      .prepare(
        `SELECT a.key FROM accounts a JOIN (SELECT account_key, sum(delta) AS d, sum(held_delta) AS h FROM ledger GROUP BY account_key) l
           ON l.account_key = a.key WHERE a.balance <> l.d OR a.held <> l.h`,
      )
      .pluck()
      .all() as string[];
    const held = (db.prepare('SELECT coalesce(sum(held), 0) FROM accounts').pluck().get() as number) ?? 0;
    return { jobs, rows, broken, held };
  } finally {
    db.close();
  }
}

function ackText(delivered: Delivered): string {
  const body = delivered.body;
  return typeof body === 'object' && body !== null && 'text' in body ? String(body.text) : '';
}

const isResult = (c: ApiCall): boolean => JSON.stringify(c.args.blocks ?? '').includes('result_reroll');

/** The job id and file ids a result message's buttons carry. */
function resultRef(call: ApiCall): { jobId: string; value: string; ts: string } {
  const blocks = call.args.blocks as { elements: { value: string }[] }[];
  const value = blocks[0]!.elements[0]!.value;
  return { jobId: (JSON.parse(value) as { j: string }).j, value, ts: String(call.response.ts) };
}

describe('Slack replicas: several bot processes for one app on one SQLite file', () => {
  let slack: FakeSlack;
  let nbpro: FakeNbproServer;
  let dir: string;
  let dbPath: string;
  const bots: BotProcess[] = [];

  beforeAll(() => buildDist(), 120_000);
  beforeEach(async () => {
    slack = await startFakeSlack();
    slack.addChannel({ id: CHANNEL, name: 'general' });
    for (const user of USERS) slack.addUser(user, user.slice(2).toLowerCase());
    nbpro = await startNbproServer();
    dir = mkdtempSync(join(tmpdir(), 'ni-slack-replicas-'));
    dbPath = join(dir, 'shared.db');
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.dispose();
    await slack.close();
    await nbpro.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (transport: Record<string, string>): Record<string, string> => ({
    SLACK_BOT_TOKEN: slack.tokens.bot,
    SLACK_API_URL: slack.apiUrl,
    NBPRO_API_KEY: nbpro.apiKey,
    NBPRO_BASE_URL: nbpro.url,
    PROVIDER_RETRIES: '0',
    DATABASE_PATH: dbPath,
    STARTING_CREDITS: String(STARTING),
    SHUTDOWN_GRACE_SECONDS: '10',
    ...transport,
  });

  /** `count` Socket Mode processes, started one after another (the first migrates the file); each with its connection id. */
  async function socketReplicas(count: number): Promise<{ bot: BotProcess; connection: string }[]> {
    const started: { bot: BotProcess; connection: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const bot = new BotProcess(env({ SLACK_APP_TOKEN: slack.tokens.app }));
      bots.push(bot);
      await bot.waitForLog('nano-imagine started');
      await slack.socket.waitForConnections(i + 1);
      started.push({ bot, connection: slack.socket.connections[i]! });
    }
    return started;
  }

  /** `count` HTTP-mode processes, each with the URL it listens on. */
  async function httpReplicas(count: number): Promise<{ bot: BotProcess; url: string }[]> {
    const started: { bot: BotProcess; url: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const bot = new BotProcess(env({ SLACK_SIGNING_SECRET: slack.tokens.signingSecret }), ['--import', 'tsx', HTTP_REPLICA]);
      bots.push(bot);
      const connected = await bot.waitForLog('Slack app connected');
      await bot.waitForLog('nano-imagine started');
      started.push({ bot, url: String(connected.url) });
    }
    return started;
  }

  /** Resolves once `count` result messages (the ones with buttons) have been posted, with them. */
  async function results(count: number): Promise<ApiCall[]> {
    let seen = 0;
    await slack.waitForCall('chat.postMessage', (c) => isResult(c) && ++seen === count);
    return slack.callsTo('chat.postMessage').filter(isResult);
  }

  /** SIGTERM to every process; each finishes what it runs and exits 0. */
  async function stopAll(): Promise<void> {
    for (const bot of bots) bot.kill('SIGTERM');
    for (const bot of bots) expect(await bot.exited).toEqual({ code: 0, signal: null });
  }

  /** One job per request, each held once and captured once, nothing left held, every account equal to its ledger. */
  function expectOneChargeEach(ledger: Ledger, jobs: number): void {
    expect(ledger.jobs).toHaveLength(jobs);
    expect(new Set(ledger.jobs.map((j) => j.key)).size).toBe(jobs);
    for (const job of ledger.jobs) {
      expect(job).toMatchObject({ status: 'succeeded', cost: COST, held: 0, captured: COST });
      expect(ledger.rows.filter((r) => r.job === job.id).map((r) => r.kind)).toEqual(['hold', 'capture']);
    }
    expect(ledger.broken).toEqual([]);
    expect(ledger.held).toBe(0);
  }

  /** Each job posted exactly once: one upload and one result message per job. */
  function expectPostedOnceEach(ledger: Ledger): void {
    const posted = slack.callsTo('chat.postMessage').filter(isResult).map((c) => resultRef(c).jobId);
    expect(posted.toSorted()).toEqual(ledger.jobs.map((j) => j.id).toSorted());
    expect(slack.callsTo('upload')).toHaveLength(ledger.jobs.length);
    expect(slack.callsTo('files.completeUploadExternal').filter((c) => c.response.ok === true)).toHaveLength(ledger.jobs.length);
  }

  const ephemerals = (fragment: string): ApiCall[] => slack.callsTo('chat.postEphemeral').filter((c) => String(c.args.text).includes(fragment));

  it('Socket Mode: a burst of /imagine commands and Edit image shortcuts spread over both connections makes one job each, each posted once', async () => {
    const replicas = await socketReplicas(2);
    const images = await Promise.all(USERS.map(async (user, i) => slack.addFile({ name: `photo-${i}.png`, bytes: await solidPng(24, 24, '#4477aa'), user })));

    const commands = [...USERS, ...USERS].map((user, i) =>
      slack.deliver('command', slack.payloads.slashCommand({ text: `burst image ${i}`, user, channel: CHANNEL })),
    );
    const shortcuts = USERS.map((user, i) =>
      slack.deliver(
        'interactive',
        slack.payloads.messageShortcut({ user, channel: CHANNEL, message: { ts: `1700001000.00010${i}`, files: [slack.filePayload(images[i]!)] } }),
      ),
    );
    for (const ack of await Promise.all(commands)) expect(ackText(ack)).toContain('Queued');
    await Promise.all(shortcuts);

    // Each shortcut opened its form (on whichever process got it); each form is submitted once.
    let opened = 0;
    await slack.waitForCall('views.open', (c) => c.response.ok === true && ++opened === USERS.length);
    const views = slack.callsTo('views.open').filter((c) => c.response.ok === true).map((c) => (c.response as { view: FakeView }).view);
    // The form's metadata names the message (its ts ends in the user's index), so each is submitted by whoever opened it.
    const owners = views.map((v) => USERS[Number((JSON.parse(v.private_metadata) as { t: string }).t.slice(-1))]!);
    const submitted = await Promise.all(
      views.map((view, i) =>
        slack.deliver('interactive', slack.payloads.viewSubmission({ user: owners[i]!, view, values: { prompt: { value: input.text(`as a watercolour ${i}`) } } })),
      ),
    );
    for (const answer of submitted) expect(JSON.stringify(answer.body ?? {})).not.toContain('errors');

    const jobs = commands.length + views.length;
    await results(jobs);
    await stopAll();

    // Both connections carried envelopes and both processes ran jobs.
    for (const { connection, bot } of replicas) {
      expect(slack.socket.deliveries.filter((d) => d.connection === connection).length).toBeGreaterThan(0);
      expect(bot.lines.filter((l) => l.msg === 'job finished').length).toBeGreaterThan(0);
    }
    const ledger = readLedger(dbPath);
    expectOneChargeEach(ledger, jobs);
    expect(ledger.jobs.filter((j) => j.kind === 'edit')).toHaveLength(views.length);
    expectPostedOnceEach(ledger);
    expect(ephemerals('Queued')).toHaveLength(views.length);
    expect(ephemerals('already received')).toEqual([]);
  }, 90_000);

  it('Socket Mode: an envelope delivered to both processes, or again after a missed ack, makes one job, one hold and one reply', async () => {
    const [a, b] = await socketReplicas(2);
    const secondAck = (delivered: Delivered) => slack.socket.waitForAck((x) => x.envelopeId === delivered.envelopeId && !x.accepted);

    // A command delivered to both connections at once: one makes the job, the other finds it.
    const command = await slack.deliver('command', slack.payloads.slashCommand({ text: 'a duplicated heron', user: ALICE, channel: CHANNEL }), { duplicate: true });
    const other = await secondAck(command);
    expect([ackText(command), String(other.payload.text)].map((t) => (t.includes('Queued') ? 'queued' : t.includes('already received') ? 'found' : t)).toSorted()).toEqual([
      'found',
      'queued',
    ]);
    const [first] = await results(1);
    const parent = resultRef(first!);

    // A Reroll click delivered to both: one child job, one "queued" notice.
    const reroll = slack.payloads.blockAction({ user: BOB, message: { channel: CHANNEL, ts: parent.ts }, actionId: 'result_reroll', value: parent.value });
    await secondAck(await slack.deliver('interactive', reroll, { duplicate: true }));
    await results(2);

    // An Edit image shortcut delivered to both: Slack lets its trigger open one form; nobody is told anything.
    const image = slack.addFile({ name: 'cat.png', bytes: await solidPng(20, 20, '#aa7744'), user: ALICE });
    const shortcut = slack.payloads.messageShortcut({ user: ALICE, channel: CHANNEL, message: { ts: '1700002000.000100', files: [slack.filePayload(image)] } });
    await secondAck(await slack.deliver('interactive', shortcut, { duplicate: true }));
    const view = ((await slack.waitForCall('views.open', (c) => c.response.ok === true)).response as { view: FakeView }).view;
    await slack.waitForCall('views.open', (c) => c.response.error === 'exchanged_trigger_id');
    // Its submission delivered to both: one job, one notice.
    const submission = slack.payloads.viewSubmission({ user: ALICE, view, values: { prompt: { value: input.text('as a woodcut') } } });
    await secondAck(await slack.deliver('interactive', submission, { duplicate: true }));
    await results(3);
    // Both processes idle (every job so far settled) before one of them is paused.
    await waitForLogCount([a!.bot, b!.bot], 'job finished', 3);

    // A command sent to a paused process is not acked in time: Slack redelivers it to the other
    // connection, which makes the job; the paused one wakes up, finds it, and its late ack is ignored.
    a!.bot.kill('SIGSTOP');
    const missed = await slack.deliver('command', slack.payloads.slashCommand({ text: 'a patient owl', user: CAROL, channel: CHANNEL }), {
      to: a!.connection,
      ackTimeoutMs: 300,
    });
    a!.bot.kill('SIGCONT');
    expect(ackText(missed)).toContain('Queued');
    expect(slack.socket.deliveries.filter((d) => d.envelopeId === missed.envelopeId).map((d) => [d.connection, d.retryAttempt])).toEqual([
      [a!.connection, 0],
      [b!.connection, 1],
    ]);
    const late = await slack.socket.waitForAck((x) => x.envelopeId === missed.envelopeId && x.connection === a!.connection);
    expect(late.accepted).toBe(false);
    expect(String(late.payload.text)).toContain('already received');
    await results(4);
    await stopAll();

    const ledger = readLedger(dbPath);
    expectOneChargeEach(ledger, 4);
    expect(ledger.jobs.map((j) => [j.kind, j.account])).toEqual([
      ['imagine', `slack:${TEAM}:${ALICE}`],
      ['reroll', `slack:${TEAM}:${BOB}`],
      ['edit', `slack:${TEAM}:${ALICE}`],
      ['imagine', `slack:${TEAM}:${CAROL}`],
    ]);
    expectPostedOnceEach(ledger);
    // One reply each: the reroll's and the submission's "queued" notices, and nothing else.
    expect(slack.callsTo('chat.postEphemeral').map((c) => [c.args.user, String(c.args.text).includes('Queued')])).toEqual(
      expect.arrayContaining([
        [BOB, true],
        [ALICE, true],
      ]),
    );
    expect(slack.callsTo('chat.postEphemeral')).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage').filter((c) => !isResult(c))).toEqual([]);
    expect(slack.callsTo('views.open').filter((c) => c.response.ok === true)).toHaveLength(1);
  }, 90_000);

  it('HTTP mode: a request retried on the other replica, or sent to both at once, makes one job and one reply', async () => {
    const [a, b] = await httpReplicas(2);
    slack.useHttp([a!.url, b!.url]);

    // A command, then Slack's retry of it landing on the other replica.
    const command = slack.payloads.slashCommand({ text: 'one paper lantern', user: ALICE, channel: CHANNEL });
    const answered = await slack.deliver('command', command, { to: a!.url });
    const retried = await slack.deliver('command', command, { to: b!.url, retry: 1 });
    expect(answered.status).toBe(200);
    expect(ackText(answered)).toContain('Queued');
    expect(retried.status).toBe(200);
    expect(ackText(retried)).toContain('already received');
    const [first] = await results(1);
    const parent = resultRef(first!);

    // A Reroll click, and its retry on the other replica: one child job, one notice.
    const reroll = slack.payloads.blockAction({ user: BOB, message: { channel: CHANNEL, ts: parent.ts }, actionId: 'result_reroll', value: parent.value });
    expect((await slack.deliver('interactive', reroll, { to: b!.url })).status).toBe(200);
    expect((await slack.deliver('interactive', reroll, { to: a!.url, retry: 1, retryReason: 'http_error' })).status).toBe(200);

    // The same command posted to both replicas at the same moment: the database lets one job through.
    const raced = slack.payloads.slashCommand({ text: 'two racing hares', user: CAROL, channel: CHANNEL });
    const both = await Promise.all([a!.url, b!.url].map((to, i) => slack.deliver('command', raced, { to, ...(i === 1 ? { retry: 1 } : {}) })));
    expect(both.map((d) => (ackText(d).includes('Queued') ? 'queued' : ackText(d).includes('already received') ? 'found' : ackText(d))).toSorted()).toEqual([
      'found',
      'queued',
    ]);

    // A Generate image submission, and its retry on the other replica: one job, one notice.
    await slack.deliver('interactive', slack.payloads.globalShortcut({ user: CAROL }), { to: a!.url });
    const view = ((await slack.waitForCall('views.open', (c) => c.response.ok === true)).response as { view: FakeView }).view;
    const submission = slack.payloads.viewSubmission({
      user: CAROL,
      view,
      values: { prompt: { value: input.text('a harbour at night') }, channel: { value: input.conversation(CHANNEL) } },
    });
    expect((await slack.deliver('interactive', submission, { to: a!.url })).status).toBe(200);
    expect((await slack.deliver('interactive', submission, { to: b!.url, retry: 1 })).status).toBe(200);

    await results(4);
    await stopAll();

    const ledger = readLedger(dbPath);
    expectOneChargeEach(ledger, 4);
    expect(ledger.jobs.map((j) => j.account).toSorted()).toEqual([ALICE, BOB, CAROL, CAROL].map((u) => `slack:${TEAM}:${u}`));
    expectPostedOnceEach(ledger);
    const notices = slack.callsTo('chat.postEphemeral').map((c) => [c.args.user, String(c.args.text).includes('Queued')]);
    expect(notices).toHaveLength(2);
    expect(notices).toEqual(
      expect.arrayContaining([
        [BOB, true],
        [CAROL, true],
      ]),
    );
  }, 90_000);
});
