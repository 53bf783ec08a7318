/**
 * The core's own connection pool refuses private and local addresses for every image it downloads
 * (references, provider results, and every redirect hop), except the origins the configuration
 * names. Real servers on 127.0.0.1 stand in for an image host (allowed) and for other services on
 * the same machine (the ops port, a database), which must stay out of reach.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/createApp.js';
import { parseConfig } from '../../../src/config.js';
import type { ImageProvider } from '../../../src/core/providers/types.js';
import { FileServer } from '../../fakes/fileServer.js';
import { solidPng } from '../../fakes/imageFixtures.js';
import { startNbproServer, NBPRO_FAKE_KEY, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { captureLogger } from '../../support/logCapture.js';
import { intent, startCore, submitAndWait, type Harness } from '../../support/coreHarness.js';

const PRIVATE = 'The image link points to a private or local network address, which the bot does not download from.';

let png: Buffer;
let images: FileServer;
let elsewhere: FileServer;

beforeAll(async () => {
  png = await solidPng(32, 32, '#2277aa');
});
beforeEach(async () => {
  images = await FileServer.start();
  elsewhere = await FileServer.start();
  images.bytes('/a.png', png, 'image/png');
  elsewhere.bytes('/a.png', png, 'image/png');
});
afterEach(async () => {
  await Promise.all([images.close(), elsewhere.close()]);
});

describe('references', () => {
  let nbpro: FakeNbproServer;
  let h: Harness;
  beforeEach(async () => {
    nbpro = await startNbproServer();
    h = await startCore({ NBPRO_API_KEY: NBPRO_FAKE_KEY, NBPRO_BASE_URL: nbpro.url, PROVIDER_RETRIES: '0', FETCH_ALLOW_ORIGINS: images.origin });
  });
  afterEach(async () => {
    await h.close();
    await nbpro.close();
  });

  it('downloads a reference from an allowed origin', async () => {
    const { final } = await submitAndWait(h.core, intent({ references: [{ url: images.url('/a.png'), name: 'a.png' }] }));
    expect(final.type).toBe('succeeded');
    expect(nbpro.requests[0]?.files).toHaveLength(1);
  });

  it('refuses a reference on another local port at submit: nothing held, no job, no download, no provider call', async () => {
    const before = await h.core.credits.account('cli:alice');
    const outcome = await h.core.generation.submit(intent({ references: [{ url: elsewhere.url('/a.png?token=s3cret'), name: 'a.png' }] }));
    expect(outcome).toEqual({ ok: false, refusal: { code: 'fetch_refused', message: PRIVATE } });
    expect(await h.core.credits.account('cli:alice')).toEqual(before);
    expect(await h.core.jobs.history({ accountKey: 'cli:alice' })).toEqual([]);
    expect(elsewhere.requests).toHaveLength(0);
    expect(nbpro.requests).toHaveLength(0);
  });

  it.each([
    ['decimal', 'http://2130706433:PORT/a.png'],
    ['hex', 'http://0x7f.0.0.1:PORT/a.png'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]:PORT/a.png'],
    ['localhost', 'http://localhost:PORT/a.png'],
  ])('refuses the %s spelling of loopback at submit', async (_spelling, pattern) => {
    const url = pattern.replace('PORT', new URL(elsewhere.origin).port);
    const outcome = await h.core.generation.submit(intent({ references: [{ url, name: 'a.png' }] }));
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'fetch_refused', message: PRIVATE } });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('exempts the allowed origin by exact scheme, host and port: localhost on its port is still refused', async () => {
    const outcome = await h.core.generation.submit(intent({ references: [{ url: `http://localhost:${new URL(images.origin).port}/a.png`, name: 'a.png' }] }));
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'fetch_refused' } });
    expect(images.requests).toHaveLength(0);
  });

  it.each([
    ['user info', 'http://user:s3cret@images.example/a.png', 'The image link carries a user name or password, which the bot does not use.'],
    ['a file: URL', 'file:///etc/passwd', 'The image link is not an http(s) link.'],
  ])('refuses %s at submit with a reason that does not quote the link', async (_what, url, message) => {
    const outcome = await h.core.generation.submit(intent({ references: [{ url, name: 'a.png' }] }));
    expect(outcome).toEqual({ ok: false, refusal: { code: 'fetch_refused', message } });
  });

  it('refuses an allowed origin’s redirect to another local port when connecting: refunded, provider never called', async () => {
    images.redirect('/moved.png', elsewhere.url('/a.png?token=s3cret'));
    const { final } = await submitAndWait(h.core, intent({ references: [{ url: images.url('/moved.png'), name: 'a.png' }] }));
    expect(final).toMatchObject({ type: 'failed', code: 'fetch_refused', message: PRIVATE, refunded: 4 });
    expect(await h.core.credits.account('cli:alice')).toMatchObject({ held: 0, balance: 50 });
    expect(images.requestsTo('/moved.png')).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(nbpro.requests).toHaveLength(0);
    // Neither the told reason nor the stored one carries the link.
    const [job] = await h.core.jobs.history({ accountKey: 'cli:alice' });
    expect(job).toMatchObject({ errorCode: 'fetch_refused', errorMessage: PRIVATE });
  });

  it('refuses a redirect to a numeric spelling of loopback', async () => {
    const port = new URL(elsewhere.origin).port;
    images.redirect('/decimal.png', `http://2130706433:${port}/a.png`);
    const { final } = await submitAndWait(h.core, intent({ references: [{ url: images.url('/decimal.png'), name: 'a.png' }] }));
    expect(final).toMatchObject({ type: 'failed', code: 'fetch_refused', message: PRIVATE });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('provider results', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  /** A provider whose results are links the core must download. */
  const linking = (url: string): ImageProvider => ({
    id: 'offline',
    generate: () => Promise.resolve({ model: 'offline-preview', images: [{ url }] }),
  });

  it('downloads a result from an allowed origin, and refuses one on another local port', async () => {
    h = await startCore({ FETCH_ALLOW_ORIGINS: images.origin }, { provider: linking(images.url('/a.png')) });
    expect((await submitAndWait(h.core, intent())).final.type).toBe('succeeded');
    await h.close();

    h = await startCore({ FETCH_ALLOW_ORIGINS: images.origin }, { provider: linking(elsewhere.url('/a.png')) });
    const { final } = await submitAndWait(h.core, intent());
    // An unusable result is dropped (and logged with its code); with none left the job fails, refunded.
    expect(final).toMatchObject({ type: 'failed', refunded: 1 });
    expect(h.logs()).toContain('"errorCode":"fetch_refused"');
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('the ops port beside the bot', () => {
  it('stays unreachable through an allowed image host’s redirect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ni-ssrf-'));
    const config = parseConfig({ DATABASE_PATH: join(dir, 'app.db'), HTTP_PORT: '0', SHUTDOWN_GRACE_SECONDS: '0', FETCH_ALLOW_ORIGINS: images.origin });
    const app = await createApp(config, { logger: captureLogger().logger, adapters: () => [] });
    try {
      await app.start();
      images.redirect('/to-ops', `http://127.0.0.1:${app.opsPort()}/metrics`);
      const { final } = await submitAndWait(app.core, intent({ references: [{ url: images.url('/to-ops'), name: 'a.png' }] }));
      // Reaching /metrics would have failed as "not an image"; it was never connected to.
      expect(final).toMatchObject({ type: 'failed', code: 'fetch_refused', message: PRIVATE });
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
