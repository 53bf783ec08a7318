/**
 * The real process (`node dist/main.js`, what the container runs) with the Slack app in Socket Mode
 * against the fake Slack and the fake nbpro provider: graceful shutdown on SIGTERM, and crash
 * recovery after SIGKILL, checked in the ledger afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { BotProcess, buildDist } from '../../support/botProcess.js';

const TEAM = 'T0FAKE';
const USERS = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'] as const;
const CHANNEL = 'C0GENERAL';

interface LedgerView {
  jobs: { id: string; account: string; status: string; held: number }[];
  accounts: { key: string; balance: number; held: number }[];
  releasesPerJob: Map<string, number>;
  check: ReturnType<typeof checkDatabase>;
}

function readLedger(path: string): LedgerView {
  const db = openDatabase(path, { readonly: true });
  try {
    const jobs = db.prepare('SELECT id, account_key AS account, status, held FROM jobs ORDER BY rowid').all() as LedgerView['jobs'];
    const accounts = db.prepare('SELECT key, balance, held FROM accounts ORDER BY key').all() as LedgerView['accounts'];
    const releases = db.prepare("SELECT job_id AS id, count(*) AS n FROM ledger WHERE kind = 'release' GROUP BY job_id").all() as { id: string; n: number }[];
    return { jobs, accounts, releasesPerJob: new Map(releases.map((r) => [r.id, r.n])), check: checkDatabase(db) };
  } finally {
    db.close();
  }
}

describe('the real process', () => {
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
    nbpro.setMode({ kind: 'hang' });
    dir = mkdtempSync(join(tmpdir(), 'ni-proc-'));
    dbPath = join(dir, 'bot.db');
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.dispose();
    await slack.close();
    await nbpro.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(extra: Record<string, string> = {}): BotProcess {
    const bot = new BotProcess({
      SLACK_BOT_TOKEN: slack.tokens.bot,
      SLACK_APP_TOKEN: slack.tokens.app,
      SLACK_API_URL: slack.apiUrl,
      NBPRO_API_KEY: nbpro.apiKey,
      NBPRO_BASE_URL: nbpro.url,
      DATABASE_PATH: dbPath,
      STARTING_CREDITS: '50',
      HTTP_PORT: '0',
      ...extra,
    });
    bots.push(bot);
    return bot;
  }

  const imagine = (user: string, text = 'a koi pond at dawn') =>
    slack.deliver('command', slack.payloads.slashCommand({ text, user, channel: CHANNEL }));

  it('SIGTERM: running jobs get the grace period, then are released; newcomers hear "restarting"; exit 0', async () => {
    const bot = start({ SHUTDOWN_GRACE_SECONDS: '2' });
    const opsLine = await bot.waitForLog('ops server listening');
    await bot.waitForLog('nano-imagine started');
    const ready = await request(`http://127.0.0.1:${String(opsLine.port)}/readyz`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();

    await imagine(USERS[0]);
    await imagine(USERS[1]);
    await nbpro.waitForRequests(2);

    bot.kill('SIGTERM');
    await bot.waitForLog('shutting down');
    // Still connected during the grace period: a newcomer is told, in the ack, to come back later.
    const late = await imagine(USERS[2]);
    expect(JSON.stringify(late.body)).toMatch(/restarting/i);
    expect(await bot.exited).toEqual({ code: 0, signal: null });

    const ledger = readLedger(dbPath);
    expect(ledger.check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(ledger.jobs.map((j) => [j.account, j.status, j.held])).toEqual([
      [`slack:${TEAM}:${USERS[0]}`, 'interrupted', 0],
      [`slack:${TEAM}:${USERS[1]}`, 'interrupted', 0],
    ]);
    for (const account of ledger.accounts) expect(account).toMatchObject({ balance: 50, held: 0 });
    for (const user of USERS.slice(0, 2)) {
      const told = slack.calls.find((c) => c.args.user === user && /restarted/i.test(String(c.args.text)));
      expect(told, `${user} told`).toBeDefined();
    }
  });

  it('SIGKILL: a restart releases every hold exactly once and tells the owners', async () => {
    const first = start({ NBPRO_PLAN: 'free' });
    await first.waitForLog('nano-imagine started');
    for (const user of USERS.slice(0, 3)) await imagine(user);
    await nbpro.waitForRequests(1);
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const crashed = readLedger(dbPath);
    expect(crashed.jobs.map((j) => j.status).sort()).toEqual(['queued', 'queued', 'running']);
    expect(crashed.accounts.every((a) => a.held === 4 && a.balance === 46)).toBe(true);

    const second = start({ NBPRO_PLAN: 'free' });
    await second.waitForLog('nano-imagine started');
    for (const user of USERS.slice(0, 3)) {
      await slack.waitForCall('chat.postEphemeral', (c) => c.args.user === user && /restarted/i.test(String(c.args.text)));
    }
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const after = readLedger(dbPath);
    expect(after.check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(after.jobs.every((j) => j.status === 'interrupted' && j.held === 0)).toBe(true);
    expect([...after.releasesPerJob.values()]).toEqual([1, 1, 1]);
    for (const account of after.accounts) expect(account).toMatchObject({ balance: 50, held: 0 });
  });

  it('SIGTERM during an upload, SIGKILL at the documented deadline: the user is served (charged once) or refunded, never charged for nothing', async () => {
    nbpro.setMode({ kind: 'success' });
    const graceSeconds = 1;
    const first = start({ SHUTDOWN_GRACE_SECONDS: String(graceSeconds) });
    await first.waitForLog('nano-imagine started');
    const hold = slack.holdUploads();
    await imagine(USERS[0]);
    await hold.started();
    const stopAsked = performance.now();
    first.kill('SIGTERM');
    // The supervisor's deadline, as compose.yaml and the README give it: the grace plus 10 s. The
    // process must be gone by then on its own; SIGKILL at the deadline is what a supervisor does.
    const deadline = setTimeout(() => first.kill('SIGKILL'), (graceSeconds + 10) * 1000);
    const exit = await first.exited;
    clearTimeout(deadline);
    expect(exit).toEqual({ code: 0, signal: null });
    // Bounded by the grace as a whole (plus closing connections), not grace + the upload's own time.
    expect(performance.now() - stopAsked).toBeLessThan((graceSeconds + 5) * 1000);
    const cut = readLedger(dbPath);
    expect(cut.jobs.map((j) => [j.status, j.held])).toEqual([['delivering', 4]]);
    expect(cut.accounts).toEqual([{ key: `slack:${TEAM}:${USERS[0]}`, balance: 46, held: 4 }]);

    // Slack answers again; the next start posts the kept image and charges it then.
    hold.release();
    const second = start();
    await second.waitForLog('nano-imagine started');
    const shared = await slack.waitForCall('files.completeUploadExternal', (c) => c.args.channel_id === CHANNEL && c.response.ok === true);
    expect(String(shared.args.initial_comment)).toContain('the bot restarted while posting it');
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const after = readLedger(dbPath);
    expect(after.check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(after.jobs.map((j) => [j.status, j.held])).toEqual([['succeeded', 0]]);
    expect(after.accounts).toEqual([{ key: `slack:${TEAM}:${USERS[0]}`, balance: 46, held: 0 }]);
    expect(after.releasesPerJob.size).toBe(0);
  });

  it('SIGKILL during an upload: the next start posts the kept image and charges it once', async () => {
    nbpro.setMode({ kind: 'success' });
    const first = start();
    await first.waitForLog('nano-imagine started');
    const hold = slack.holdUploads();
    await imagine(USERS[1]);
    await hold.started();
    first.kill('SIGKILL');
    await first.exited;
    hold.release();
    expect(readLedger(dbPath).jobs.map((j) => j.status)).toEqual(['delivering']);
    const second = start();
    await second.waitForLog('nano-imagine started');
    await slack.waitForCall('files.completeUploadExternal', (c) => c.args.channel_id === CHANNEL && c.response.ok === true && String(c.args.initial_comment).includes('restarted'));
    second.kill('SIGTERM');
    await second.exited;
    const after = readLedger(dbPath);
    expect(after.check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(after.jobs.map((j) => j.status)).toEqual(['succeeded']);
    expect(after.accounts).toEqual([{ key: `slack:${TEAM}:${USERS[1]}`, balance: 46, held: 0 }]);
  });

  it('Slack refusing the upload: the real process releases the hold and tells the requester privately', async () => {
    nbpro.setMode({ kind: 'success' });
    const bot = start();
    await bot.waitForLog('nano-imagine started');
    slack.failNext('files.completeUploadExternal', { error: 'file_upload_size_exceeded' });
    await imagine(USERS[2]);
    const told = await slack.waitForCall('chat.postEphemeral', (c) => c.args.user === USERS[2] && /could not be posted here/.test(String(c.args.text)));
    expect(String(told.args.text)).toContain('nothing was charged');
    await bot.waitForLog('job undelivered');
    bot.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    const after = readLedger(dbPath);
    expect(after.check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(after.jobs.map((j) => [j.status, j.held])).toEqual([['failed', 0]]);
    expect(after.accounts).toEqual([{ key: `slack:${TEAM}:${USERS[2]}`, balance: 50, held: 0 }]);
  });

  it('a start-up failure is logged, goes through the normal shutdown, and exits 1 for the supervisor to retry', async () => {
    const bot = start({ SLACK_BOT_TOKEN: 'xoxb-not-the-right-token' });
    expect((await bot.exited).code).toBe(1);
    const failed = await bot.waitForLog('start-up failed');
    expect(failed.level).toBe(60);
    expect(JSON.stringify(failed.err)).toMatch(/Slack refused SLACK_BOT_TOKEN/);
    // Through the normal shutdown, for that reason and no other, and out with 1.
    await bot.waitForLog('stopped');
    expect(bot.lines.filter((l) => l.msg === 'shutting down')).toEqual([expect.objectContaining({ reason: 'start-up failed' })]);
    expect(bot.lines.filter((l) => l.msg === 'stopped')).toEqual([expect.objectContaining({ exitCode: 1 })]);
    expect(readLedger(dbPath).check).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
  });
});
