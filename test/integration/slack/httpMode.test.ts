import { describe, expect, it } from 'vitest';
import { sendSigned } from '../../fakes/slack/signedRequest.js';
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
      const tenMinutesAhead = Math.floor(Date.now() / 1000) + 600;
      const early = await h.fake.deliver('command', payload, { sign: { timestamp: tenMinutesAhead } });
      expect(early.status).toBe(401);
      const garbled = await h.fake.deliver('command', payload, { sign: { signature: 'v0=deadbeef' } });
      expect(garbled.status).toBe(401);
      expect(await h.jobs()).toHaveLength(0);
      expect(h.nbpro.requests).toHaveLength(0);

      const genuine = await h.fake.deliver('command', payload);
      expect(genuine.status).toBe(200);
    } finally {
      await h.close();
    }
    expect(h.adapter.isConnected()).toBe(false);
  });
});

describe('Slack HTTP mode against hostile bodies', () => {
  it('answers a signed body that is not an object with 400 at once, and keeps serving', async () => {
    const h = await startHarness('http');
    try {
      const url = h.adapter.eventsUrl()!;
      const signed = (body: string, contentType: string) => sendSigned(url, body, contentType, { secret: h.fake.tokens.signingSecret });
      const json = 'application/json';
      const form = 'application/x-www-form-urlencoded';
      for (const body of ['null', '[]', '[{"type":"url_verification","challenge":"x"}]', '"a string"', '42', 'true', 'not json at all', '']) {
        expect((await signed(body, json)).status, `JSON body ${body}`).toBe(400);
      }
      for (const payload of ['null', '[]', '"a string"', '7', '{broken']) {
        expect((await signed(`payload=${encodeURIComponent(payload)}`, form)).status, `payload=${payload}`).toBe(400);
      }
      // Unsigned junk is still refused as unsigned.
      const unsigned = await sendSigned(url, 'null', json, { secret: 'not-the-signing-secret' });
      expect(unsigned.status).toBe(401);
      expect(await h.jobs()).toHaveLength(0);
      const wrongMethod = await fetch(url);
      await wrongMethod.arrayBuffer();
      expect(wrongMethod.status).toBe(404);

      // What Slack really sends still works: the URL check, the SSL check, and a command.
      expect(await signed(JSON.stringify({ type: 'url_verification', challenge: 'c-123' }), json)).toMatchObject({ status: 200, body: { challenge: 'c-123' } });
      expect((await sendSigned(url, 'ssl_check=1&token=x', form, { secret: 'unsigned', signature: '' })).status).toBe(200);
      const genuine = await h.fake.deliver('command', h.fake.payloads.slashCommand({ text: 'still here', user: ALICE, channel: GENERAL }));
      expect(genuine.status).toBe(200);
      await h.result(0);
    } finally {
      await h.close();
    }
  });
});
