import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAccess } from '../../../src/bots/slack/ChannelAccess.js';
import { slackRetryPolicies } from '../../../src/bots/slack/retryPolicies.js';
import { ManualClock } from '../../support/ManualClock.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';

describe('ChannelAccess', () => {
  let fake: FakeSlack;
  const clock = new ManualClock(0);
  let access: ChannelAccess;
  beforeEach(async () => {
    fake = await startFakeSlack();
    const client = new webApi.WebClient(fake.tokens.bot, { slackApiUrl: fake.apiUrl, retryConfig: slackRetryPolicies.none });
    access = new ChannelAccess({ client, botName: 'nano-imagine', logger: pino({ level: 'silent' }), ttlMs: 1000, clock });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('asks once for concurrent checks and trusts a "member" answer until it expires', async () => {
    fake.addChannel({ id: 'C1' });
    expect(await Promise.all([access.check('C1'), access.check('C1'), access.check('C1')])).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(fake.callsTo('conversations.info')).toHaveLength(1);
    clock.time = 999;
    await access.check('C1');
    expect(fake.callsTo('conversations.info')).toHaveLength(1);
    clock.time = 1001;
    await access.check('C1');
    expect(fake.callsTo('conversations.info')).toHaveLength(2);
  });

  it('says how to invite the bot, and asks again next time', async () => {
    const channel = fake.addChannel({ id: 'C2', isMember: false });
    expect(await access.check('C2')).toEqual({ ok: false, message: expect.stringContaining('`/invite @nano-imagine`') as string });
    channel.isMember = true;
    expect(await access.check('C2')).toEqual({ ok: true });
  });

  it('refuses conversations it cannot see and archived channels; lets other failures through', async () => {
    expect(await access.check('D0SOMEONE')).toMatchObject({ ok: false, message: expect.stringContaining('Messages tab') as string });
    fake.addChannel({ id: 'C3', isArchived: true });
    expect(await access.check('C3')).toMatchObject({ ok: false, message: expect.stringContaining('archived') as string });
    fake.failNext('conversations.info', { status: 500 });
    fake.addChannel({ id: 'C4', isMember: false });
    expect(await access.check('C4')).toEqual({ ok: true });
  });
});
