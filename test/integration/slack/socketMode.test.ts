import { describe, expect, it } from 'vitest';
import { ALICE, COST_1K, STARTING_CREDITS, startHarness, tempDatabase } from './harness.js';
import { slackScenarios } from './scenarios.js';
import { deadPid, setInstancePid } from '../../support/instancePid.js';

slackScenarios('socket');

describe('Slack app in Socket Mode', () => {
  it('connects through apps.connections.open with the app token and closes the socket on stop', async () => {
    const h = await startHarness('socket');
    try {
      const [open] = h.fake.callsTo('apps.connections.open');
      expect(open?.token).toBe(h.fake.tokens.app);
      expect(h.fake.callsTo('auth.test')[0]?.token).toBe(h.fake.tokens.bot);
      expect(h.adapter.isConnected()).toBe(true);
      expect(h.fake.socket.openConnections).toBe(1);
    } finally {
      await h.close();
    }
    expect(h.adapter.isConnected()).toBe(false);
    await h.fake.socket.allClosed();
    expect(h.fake.socket.closed).toBe(h.fake.socket.opened);
  });

  it('a bot token Slack refuses fails start-up with how to fix it', async () => {
    await expect(startHarness('socket', { botToken: 'xoxb-revoked-token-000' })).rejects.toMatchObject({
      code: 'slack_auth',
      message: expect.stringContaining('Slack refused SLACK_BOT_TOKEN (invalid_auth)') as string,
    });
  });

  it('owners of jobs a dead process left behind are told their credits came back', async () => {
    const db = tempDatabase();
    // "crashed" keeps a job running in the shared database file; "restarted" starts beside it, as a
    // new process would after a crash, and recovers that job at start-up.
    const crashed = await startHarness('socket', { databasePath: db.path, shutdownGraceSeconds: '0' });
    try {
      crashed.nbpro.setMode({ kind: 'hang' });
      await crashed.imagine('a stranded job');
      await crashed.nbpro.waitForRequests(1);
      setInstancePid(db.path, crashed.app.core.instances.id, await deadPid());
      const restarted = await startHarness('socket', { databasePath: db.path, fake: crashed.fake, nbpro: crashed.nbpro });
      try {
        const told = await restarted.ephemeral(ALICE, 'The bot restarted before your image');
        expect(String(told.args.text)).toContain(`The bot restarted before your image “a stranded job” was finished. Your ${COST_1K} credits were returned.`);
        expect(await restarted.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS, held: 0 });
        expect(await restarted.jobs(ALICE)).toMatchObject([{ status: 'interrupted' }]);
      } finally {
        await restarted.close();
      }
    } finally {
      await crashed.close();
      db.remove();
    }
  });

  it('result buttons keep working after a restart', async () => {
    const db = tempDatabase();
    const before = await startHarness('socket', { databasePath: db.path });
    try {
      await before.imagine('a paper crane');
      const result = await before.result();
      await before.app.stop();

      const after = await startHarness('socket', { databasePath: db.path, fake: before.fake, nbpro: before.nbpro });
      try {
        await after.fake.deliver(
          'interactive',
          after.fake.payloads.blockAction({ user: ALICE, message: { channel: result.channel, ts: result.messageTs }, actionId: 'result_reroll', value: result.value }),
        );
        await after.result(1);
        expect(await after.jobs(ALICE)).toMatchObject([{ kind: 'reroll', status: 'succeeded' }, { kind: 'imagine' }]);
        expect(await after.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - 2 * COST_1K });
      } finally {
        await after.close();
      }
    } finally {
      await before.close();
      db.remove();
    }
  });
});
