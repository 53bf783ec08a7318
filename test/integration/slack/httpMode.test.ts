import { describe, expect, it } from 'vitest';
import { ALICE, GENERAL, startHarness } from './harness.js';
import { slackScenarios } from './scenarios.js';

slackScenarios('http');

describe('Slack app in HTTP mode', () => {
  it('refuses requests with a bad or stale signature and makes no job', async () => {
    const h = await startHarness('http');
    try {
      const payload = h.fake.payloads.slashCommand({ text: 'a forged request', user: ALICE, channel: GENERAL });
      const forged = await h.fake.deliver('command', payload, { sign: { secret: 'not-the-signing-secret' } });
      expect(forged.status).toBe(401);
      const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
      const stale = await h.fake.deliver('command', payload, { sign: { timestamp: tenMinutesAgo } });
      expect(stale.status).toBe(401);
      const garbled = await h.fake.deliver('command', payload, { sign: { signature: 'v0=deadbeef' } });
      expect(garbled.status).toBe(401);
      expect(h.jobs()).toHaveLength(0);
      expect(h.nbpro.requests).toHaveLength(0);

      const genuine = await h.fake.deliver('command', payload);
      expect(genuine.status).toBe(200);
    } finally {
      await h.close();
    }
    expect(h.adapter.isConnected()).toBe(false);
  });
});
