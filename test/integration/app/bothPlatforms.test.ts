/**
 * The composition the process runs (`createApp` + `createAdapters`), with Discord and Slack both
 * configured: one process, one database, one queue, both platforms served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapters } from '../../../src/app/createAdapters.js';
import { createApp, type App } from '../../../src/app/createApp.js';
import { parseConfig } from '../../../src/config.js';
import { FakeDiscord } from '../../fakes/discord.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { captureLogger } from '../../support/logCapture.js';

describe('Discord and Slack in one process', () => {
  let discord: FakeDiscord | undefined;
  let slack: FakeSlack | undefined;
  let app: App | undefined;
  let dir: string;
  afterEach(async () => {
    await app?.stop();
    await discord?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves both platforms from one core and one database', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-both-'));
    discord = await FakeDiscord.start();
    slack = await startFakeSlack();
    slack.addChannel({ id: 'C0GENERAL', name: 'general' });
    slack.addUser('U0ALICE', 'alice');
    const config = parseConfig({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN: slack.tokens.bot,
      SLACK_APP_TOKEN: slack.tokens.app,
      SLACK_API_URL: slack.apiUrl,
      DATABASE_PATH: join(dir, 'both.db'),
      HTTP_PORT: '0',
      SHUTDOWN_GRACE_SECONDS: '0',
    });
    const { logger } = captureLogger([discord.token, slack.tokens.bot, slack.tokens.app]);
    app = await createApp(config, { logger, adapters: (core, log) => createAdapters(config, core, log) });
    await app.start();
    expect(app.adapters.map((a) => [a.platform, a.isConnected()])).toEqual([
      ['discord', true],
      ['slack', true],
    ]);

    const alice = discord.user('alice');
    const interaction = discord.slashCommand('imagine', { prompt: 'a koi pond at dawn' }, { user: alice });
    await discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.route.endsWith(`${interaction.token}/messages/@original`) && r.files.length > 0,
      'the Discord result',
    );
    await slack.deliver('command', slack.payloads.slashCommand({ text: 'a koi pond at dusk', user: 'U0ALICE', channel: 'C0GENERAL' }));
    await slack.waitForCall('files.completeUploadExternal');
    await app.core.generation.settled();

    const jobs = await app.core.jobs.history({ limit: 10 });
    expect(jobs.map((j) => [j.platform, j.status]).sort()).toEqual([
      ['discord', 'succeeded'],
      ['slack', 'succeeded'],
    ]);
    expect(await app.core.credits.account(`discord:${alice.id}`)).toMatchObject({ balance: 49, held: 0 });
    expect(await app.core.credits.account('slack:T0FAKE:U0ALICE')).toMatchObject({ balance: 49, held: 0 });
  });
});
