import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type DiscordRequest } from '../../fakes/discord.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startApp, tempDir, type RunningApp } from './harness.js';

const EPHEMERAL = 64;
const content = (r: DiscordRequest): string => (r.body as { content?: string } | undefined)?.content ?? '';
const flags = (r: DiscordRequest): number => Number((r.body as { flags?: number } | undefined)?.flags ?? 0);

describe('Discord: charged only for what Discord took', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let nbpro: FakeNbproServer;
  let n = 0;
  const start = (name: string): Promise<RunningApp> => startApp({ fake, nbpro, dbPath: join(dir.path, `${name}.db`) });

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    nbpro = await startNbproServer();
  });
  afterAll(async () => {
    await Promise.all([fake.close(), nbpro.close()]);
    dir.remove();
  });

  /** Starts the bot, asks for an image and stops the bot while Discord holds the upload unanswered. */
  async function stopDuringUpload(db: string, user: APIUser, prompt: string): Promise<{ first: RunningApp; hold: ReturnType<FakeDiscord['holdUploads']> }> {
    const first = await start(db);
    const hold = fake.holdUploads();
    fake.slashCommand('imagine', { prompt }, { user });
    await hold.started();
    // SHUTDOWN_GRACE_SECONDS=0: the deadline passes with the upload in flight.
    await first.stop();
    return { first, hold };
  }

  it.each([
    ['forbidden', 403],
    ['too_large', 413],
  ] as const)('Discord refuses the upload (%s, %i): the requester is told privately and nothing is charged', async (how, status) => {
    const running = await start(`refused-${++n}`);
    try {
      const user = fake.user(`refused-${how}`);
      fake.refuseUploads(how);
      const i = fake.slashCommand('imagine', { prompt: 'a koi pond at dawn' }, { user });
      const refused = await fake.waitForRequest((r) => r.route.includes(i.token) && r.files.length > 0, 'the refused upload');
      const told = await fake.waitForRequest(
        (r) => r.method === 'POST' && r.route.includes(i.token) && content(r).includes('could not be posted here'),
        'the private note',
      );
      await running.app.core.generation.settled();
      expect(refused.status).toBe(status);
      expect(flags(told) & EPHEMERAL).toBe(EPHEMERAL);
      expect(content(told)).toBe('The image could not be posted here, so nothing was charged for it. Your 4 credits were returned.');
      expect(await running.app.core.credits.account(`discord:${user.id}`)).toMatchObject({ balance: 50, held: 0 });
      const [job] = await running.app.core.jobs.history({ accountKey: `discord:${user.id}` });
      expect(job).toMatchObject({ status: 'failed', errorCode: 'undelivered', captured: 0, held: 0 });
      expect(await running.app.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
      // The images left the spool with the job.
      expect(readdirSync(join(dir.path, 'spool'))).toEqual([]);
    } finally {
      fake.refuseUploads(undefined);
      await running.stop();
    }
  });

  it('with the interaction token gone as well, the note comes by direct message', async () => {
    const running = await start(`dm-${++n}`);
    try {
      const user = fake.user('dm-user');
      const hold = fake.holdUploads();
      const i = fake.slashCommand('imagine', { prompt: 'a lighthouse' }, { user });
      await hold.started();
      // While the upload hangs, the token dies and the channel refuses the bot's uploads.
      fake.expireInteractionTokens();
      fake.refuseUploads('forbidden');
      hold.release();
      const dm = await fake.waitForRequest(
        (r) => r.method === 'POST' && fake.dmChannelOf(user.id) !== undefined && r.route === `/channels/${fake.dmChannelOf(user.id)}/messages`,
        'the direct message',
      );
      await running.app.core.generation.settled();
      expect(content(dm)).toContain('could not be posted here, so nothing was charged');
      expect(fake.requests.filter((r) => r.route.includes(i.token) && r.files.length > 0).every((r) => r.status !== 200)).toBe(true);
      expect(await running.app.core.credits.account(`discord:${user.id}`)).toMatchObject({ balance: 50, held: 0 });
    } finally {
      fake.refuseUploads(undefined);
      await running.stop();
    }
  });

  it('a result whose upload the shutdown deadline cut off is posted in the channel at the next start, and charged then', async () => {
    const db = `kept-${++n}`;
    const user = fake.user('kept-user');
    const { first, hold } = await stopDuringUpload(db, user, 'a castle at night');
    expect(first.logs.some((l) => l.includes('deliveries left for the next start'))).toBe(true);
    hold.release();
    expect(readdirSync(join(dir.path, 'spool'))).toHaveLength(1);

    const second = await start(db);
    try {
      const posted = await fake.waitForRequest(
        (r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && r.files.length > 0 && content(r).includes(`<@${user.id}>`),
        'the re-delivered result',
      );
      expect(posted.status).toBe(200);
      expect(content(posted)).toContain('the bot restarted while posting it');
      const [job] = await second.app.core.jobs.history({ accountKey: `discord:${user.id}` });
      expect(job).toMatchObject({ status: 'succeeded', captured: 4, held: 0 });
      expect(await second.app.core.credits.account(`discord:${user.id}`)).toMatchObject({ balance: 46, held: 0 });
      expect(await second.app.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
      expect(readdirSync(join(dir.path, 'spool'))).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('a spooled result Discord refuses after the restart is released, and its owner told in the channel', async () => {
    const db = `lost-${++n}`;
    const user = fake.user('lost-user');
    const { hold } = await stopDuringUpload(db, user, 'a bridge');
    fake.refuseUploads('forbidden');
    hold.release();
    const second = await start(db);
    try {
      const told = await fake.waitForRequest(
        (r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && r.files.length === 0 && content(r).startsWith(`<@${user.id}>`),
        'the notice',
      );
      expect(content(told)).toBe(`<@${user.id}> Your image “a bridge” was made, but it could not be posted here, so nothing was charged for it. Your 4 credits were returned.`);
      expect(await second.app.core.credits.account(`discord:${user.id}`)).toMatchObject({ balance: 50, held: 0 });
      expect(await second.app.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    } finally {
      fake.refuseUploads(undefined);
      await second.stop();
    }
  });
});
