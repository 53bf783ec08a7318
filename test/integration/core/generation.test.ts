import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/core/generation/types.js';
import { accountKey } from '../../../src/core/credits/accountKey.js';
import { sniffImageType } from '../../../src/core/images/sniff.js';
import { NBAPI_FAKE_KEY, startNbapiServer, type FakeNbapiServer } from '../../fakes/nbapiServer.js';
import { NBPRO_FAKE_KEY, startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { FileServer } from '../../fakes/fileServer.js';
import { noisyPng, solidPng } from '../../fakes/imageFixtures.js';
import { intent, startCore, submitAndWait, type Harness } from '../../support/coreHarness.js';

async function ledgerIsConsistent(h: Harness): Promise<void> {
  const report = await h.core.admin.check();
  expect(report).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
}

describe('GenerationService on the offline provider', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startCore({});
  });
  afterEach(() => h.close());

  it('runs a job end to end: events in order, PNG bytes, credits captured', async () => {
    const { final, events, images } = await submitAndWait(h.core, intent({ options: { aspectRatio: '16:9', count: 2 } }));
    expect(events.map((e) => e.type)).toEqual(['queued', 'started', 'ready', 'succeeded']);
    if (final.type !== 'succeeded') throw new Error(final.type);
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(sniffImageType(image.bytes)).toBe('image/png');
      expect(image.width).toBeGreaterThan(image.height);
    }
    // Each image of a job is its own render.
    expect(images[0]!.bytes.equals(images[1]!.bytes)).toBe(false);
    expect(final.job).toMatchObject({ status: 'succeeded', cost: 2, captured: 2, held: 0 });
    expect(final.account).toMatchObject({ key: 'cli:alice', balance: 48, held: 0 });
    await ledgerIsConsistent(h);
    const transitions = h
      .logs()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.jobId === final.job.id);
    expect(transitions.map((l) => [l.msg, l.status])).toEqual([
      ['job queued', 'queued'],
      ['job started', 'running'],
      ['job delivering', 'delivering'],
      ['job finished', 'succeeded'],
    ]);
    for (const line of transitions) expect(line).toMatchObject({ platform: 'cli', account: 'cli:alice', provider: 'offline' });
    // `delivered` counts the images the deliverer confirmed, not those downloaded.
    expect(transitions[3]).toMatchObject({ durationMs: expect.any(Number), delivered: 2, captured: 2, released: 0 });
  });

  it('charges nothing when the deliverer reports that nothing could be delivered, and forgets the spooled images', async () => {
    const { final, events } = await submitAndWait(h.core, intent({ options: { count: 2 } }), (e) => e.delivery.fail(new Error('EACCES: the disk refused')));
    expect(events.map((e) => e.type)).toEqual(['queued', 'started', 'ready', 'failed']);
    expect(final).toMatchObject({ type: 'failed', code: 'undelivered', refunded: 2, account: { balance: 50, held: 0 }, job: { status: 'failed', captured: 0 } });
    await h.core.generation.settled();
    expect(readdirSync(join(dirname(h.dbPath), 'spool'))).toEqual([]);
    await ledgerIsConsistent(h);
  });

  it('charges only the images the deliverer confirmed; a second answer changes nothing', async () => {
    let answer: Extract<JobEvent, { type: 'ready' }>['delivery'] | undefined;
    const { final } = await submitAndWait(h.core, intent({ options: { count: 3 } }), (e) => {
      answer = e.delivery;
      e.delivery.confirm(2);
    });
    expect(final).toMatchObject({ type: 'succeeded', delivered: 2, captured: 2, released: 1, job: { captured: 2 }, account: { balance: 48, held: 0 } });
    answer!.fail();
    answer!.confirm(3);
    expect(await h.core.credits.account('cli:alice')).toMatchObject({ balance: 48, held: 0 });
    // More images than were made is a deliverer's bug: refused, and the job still waits for a real answer.
    let tooMany: unknown;
    const { final: one } = await submitAndWait(h.core, intent({ options: { count: 1 } }), (e) => {
      try {
        e.delivery.confirm(2);
      } catch (error) {
        tooMany = error;
      }
      e.delivery.confirm(1);
    });
    expect(String(tooMany)).toMatch(/delivered images/);
    expect(one).toMatchObject({ type: 'succeeded', captured: 1 });
    await ledgerIsConsistent(h);
  });

  it('refuses what the catalog cannot honour before any credit moves', async () => {
    const outcome = await h.core.generation.submit(intent({ options: { resolution: '8K' } }));
    expect(outcome).toEqual({ ok: false, refusal: { code: 'invalid_request', message: expect.stringMatching(/Resolution 8K is not available.*Allowed: 1K, 2K, 4K/) } });
    expect(await h.core.credits.account('cli:alice')).toBeUndefined();
  });

  it('refuses a job the account cannot afford, writing nothing', async () => {
    await h.core.credits.set('cli:bob', 1, { actor: 'test' });
    const outcome = await h.core.generation.submit(intent({ accountKey: 'cli:bob', options: { count: 2 } }));
    expect(outcome).toEqual({
      ok: false,
      refusal: { code: 'insufficient_credits', balance: 1, cost: 2, message: 'Not enough credits: this costs 2 and you have 1.' },
    });
    expect(await h.core.jobs.history({ accountKey: 'cli:bob' })).toEqual([]);
    expect(await h.core.credits.account('cli:bob')).toMatchObject({ balance: 1, held: 0 });
  });

  it('never makes a second job for the same idempotency key', async () => {
    const first = intent();
    const run = submitAndWait(h.core, first);
    const again = await h.core.generation.submit(first);
    expect(again).toMatchObject({ ok: true, duplicate: true });
    await run;
    const late = await h.core.generation.submit(first);
    expect(late).toMatchObject({ ok: true, duplicate: true, job: { status: 'succeeded' } });
    expect(await h.core.jobs.history({ accountKey: 'cli:alice' })).toHaveLength(1);
    expect(await h.core.credits.account('cli:alice')).toMatchObject({ balance: 49, held: 0 });
  });

  it('refuses attachments the platform declared as not images, or too large, with nothing held', async () => {
    const notImage = await h.core.generation.submit(
      intent({ references: [{ url: 'http://127.0.0.1:1/x.pdf', name: 'notes.pdf', declaredType: 'application/pdf' }] }),
    );
    expect(notImage).toEqual({ ok: false, refusal: { code: 'invalid_request', message: '"notes.pdf" is not an image (PNG, JPEG, WebP or GIF).' } });
    const huge = await h.core.generation.submit(
      intent({ references: [{ url: 'http://127.0.0.1:1/x.png', name: 'big.png', declaredType: 'image/png', declaredSize: 90_000_000 }] }),
    );
    expect(huge.ok).toBe(false);
    expect(huge).toMatchObject({ refusal: { message: '"big.png" is too large (85.8 MiB; 25 MiB at most).' } });
    expect(await h.core.credits.account('cli:alice')).toBeUndefined();
  });
});

describe('GenerationService against the fake nbpro server', () => {
  let nbpro: FakeNbproServer;
  let files: FileServer;
  let h: Harness;
  beforeEach(async () => {
    nbpro = await startNbproServer();
    files = await FileServer.start();
    // The file server stands in for an image host; the ops port or a database beside it stays refused.
    h = await startCore({ NBPRO_API_KEY: NBPRO_FAKE_KEY, NBPRO_BASE_URL: nbpro.url, PROVIDER_RETRIES: '2', FETCH_ALLOW_ORIGINS: files.origin });
  });
  afterEach(async () => {
    await h.close();
    await nbpro.close();
    await files.close();
  });

  it('makes one call per image and downloads every result', async () => {
    const { final } = await submitAndWait(h.core, intent({ options: { resolution: '2K', count: 3, aspectRatio: '21:9' } }));
    expect(final.type).toBe('succeeded');
    expect(nbpro.requests).toHaveLength(3);
    for (const r of nbpro.requests) {
      expect(r.json).toEqual({ prompt: 'a koi pond at dawn', size: '2k', aspectRatio: '21:9' });
      expect(r.headers.authorization).toBe(`Bearer ${NBPRO_FAKE_KEY}`);
    }
    expect(nbpro.imageRequests).toHaveLength(3);
    expect(final.job).toMatchObject({ captured: 18, held: 0, status: 'succeeded', outputs: expect.any(Array) });
    expect(final.job.outputs).toHaveLength(3);
    await ledgerIsConsistent(h);
  });

  it('uploads references as multipart files, re-encoded to the 2.5 MB limit', async () => {
    const big = await noisyPng(1400, 1400);
    expect(big.length).toBeGreaterThan(2_500_000);
    const small = await solidPng(64, 32, '#336699');
    files.bytes('/big.png', big, 'image/png');
    const { final } = await submitAndWait(
      h.core,
      intent({
        kind: 'edit',
        references: [
          { url: files.url('/big.png'), name: 'big.png', declaredType: 'image/png', declaredSize: big.length },
          { bytes: small, name: 'small.png' },
        ],
      }),
    );
    expect(final.type).toBe('succeeded');
    const [call] = nbpro.requests;
    expect(call?.fields).toMatchObject({ prompt: ['a koi pond at dawn'], size: ['1k'], aspectRatio: ['1:1'] });
    expect(call?.files).toHaveLength(2);
    expect(call!.files![0]!.bytes.length).toBeLessThanOrEqual(2_500_000);
    expect(sniffImageType(call!.files![1]!.bytes)).toBe('image/png');
    expect(final.job.request.references).toEqual([{ name: 'big.png', url: files.url('/big.png') }, { name: 'small.png' }]);
  });

  it('charges only the images delivered when some calls fail', async () => {
    nbpro.enqueue({ kind: 'success' }, { kind: 'error', status: 400, error: 'prompt blocked' });
    const { final, images } = await submitAndWait(h.core, intent({ options: { count: 2 } }));
    if (final.type !== 'succeeded') throw new Error(final.type);
    expect(images).toHaveLength(1);
    expect(final.job).toMatchObject({ cost: 8, captured: 4, held: 0 });
    expect(final.account).toMatchObject({ balance: 46, held: 0 });
    await ledgerIsConsistent(h);
  });

  it('retries transient failures, then succeeds', async () => {
    nbpro.failTimes(2);
    const { final } = await submitAndWait(h.core, intent());
    expect(final.type).toBe('succeeded');
    expect(nbpro.requests).toHaveLength(3);
  });

  it('refunds everything and says why when the provider keeps failing', async () => {
    nbpro.setMode({ kind: 'error', status: 500 });
    const { final } = await submitAndWait(h.core, intent({ options: { count: 2 } }));
    expect(final).toMatchObject({
      type: 'failed',
      code: 'provider_unavailable',
      message: 'The image service is unavailable right now. Try again later.',
      refunded: 8,
      account: { balance: 50, held: 0 },
    });
    expect(nbpro.requests).toHaveLength(6);
    expect(final.job).toMatchObject({ status: 'failed', captured: 0, held: 0, errorCode: 'provider_unavailable' });
    await ledgerIsConsistent(h);
  });

  it('does not retry a refused key, and never logs it', async () => {
    await h.close();
    h = await startCore({ NBPRO_API_KEY: 'sk-wrong-key-that-must-stay-secret', NBPRO_BASE_URL: nbpro.url });
    const { final } = await submitAndWait(h.core, intent());
    expect(final).toMatchObject({ type: 'failed', code: 'provider_auth', refunded: 4 });
    expect(nbpro.requests).toHaveLength(1);
    expect(h.logs()).toContain('provider_auth');
    expect(h.logs()).not.toContain('sk-wrong-key-that-must-stay-secret');
    expect(JSON.stringify(final)).not.toContain('sk-wrong-key');
  });

  it('fails and refunds when result URLs are dead', async () => {
    nbpro.setMode({ kind: 'brokenUrls' });
    const { final } = await submitAndWait(h.core, intent());
    expect(final).toMatchObject({ type: 'failed', refunded: 4 });
    await ledgerIsConsistent(h);
  });

  it('fails and refunds a reference that turns out to be an HTML page', async () => {
    files.privateFile('/private.png', 'xoxb-right', await solidPng(8, 8, '#fff'), 'image/png');
    const { final } = await submitAndWait(
      h.core,
      intent({ references: [{ url: files.url('/private.png'), headers: { authorization: 'Bearer xoxb-wrong' }, name: 'p.png' }] }),
    );
    expect(final).toMatchObject({ type: 'failed', code: 'image_not_image', message: expect.stringMatching(/not an image/), refunded: 4 });
    expect(nbpro.requests).toHaveLength(0);
  });

  it('refuses more references than the plan allows', async () => {
    const refs = Array.from({ length: 9 }, (_, i) => ({ bytes: Buffer.alloc(1), name: `r${i}.png` }));
    expect(await h.core.generation.submit(intent({ references: refs }))).toEqual({
      ok: false,
      refusal: { code: 'invalid_request', message: 'Too many reference images: 9 given, 8 allowed.' },
    });
  });
});

describe('GenerationService against the fake nbapi server', () => {
  let nbapi: FakeNbapiServer;
  let h: Harness;
  beforeEach(async () => {
    nbapi = await startNbapiServer();
    h = await startCore({ NBAPI_API_KEY: NBAPI_FAKE_KEY, NBAPI_BASE_URL: nbapi.url });
  });
  afterEach(async () => {
    await h.close();
    await nbapi.close();
  });

  it('asks for every image in one call with num, priced per model', async () => {
    const { final } = await submitAndWait(
      h.core,
      intent({ accountKey: accountKey.discord('123456789012345678'), platform: 'discord', options: { model: 'gemini-3-pro-image-preview', resolution: '2K', count: 2, aspectRatio: '4:5' } }),
    );
    expect(final.type).toBe('succeeded');
    expect(nbapi.requests).toHaveLength(1);
    expect(nbapi.requests[0]!.json).toEqual({ prompt: 'a koi pond at dawn', num: 2, model: 'gemini-3-pro-image-preview-2k', image_size: '4:5' });
    expect(final.job).toMatchObject({ captured: 16, model: 'gemini-3-pro-image-preview-2k' });
  });

  it('refuses provider-out-of-credits with a message for the operator, refunding the user', async () => {
    nbapi.setMode({ kind: 'error', code: 400, message: 'insufficient credits' });
    const { final } = await submitAndWait(h.core, intent());
    expect(final).toMatchObject({ type: 'failed', code: 'provider_out_of_credits', refunded: 4 });
    expect(final.type === 'failed' && final.message).toMatch(/out of credits/);
  });
});
