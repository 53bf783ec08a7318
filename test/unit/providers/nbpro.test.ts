import { Writable } from 'node:stream';
import { pino } from 'pino';
import sharp from 'sharp';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ProviderError } from '../../../src/core/errors.js';
import { NbproProvider } from '../../../src/core/providers/nbpro.js';
import { REFUSAL_TEXT_BY_REASON } from '../../../src/core/userText.js';
import type { PreparedImage } from '../../../src/core/vocabulary.js';
import { ratioPng } from '../../fakes/fakeServerKit.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { closedPort, expectNoSecret, expectProviderError, providerRequest } from './fixtures.js';

const signal = (): AbortSignal => AbortSignal.timeout(5_000);

describe('NbproProvider', () => {
  let server: FakeNbproServer;
  let provider: NbproProvider;

  beforeEach(async () => {
    server = await startNbproServer();
    provider = new NbproProvider({ apiKey: server.apiKey, baseUrl: server.url });
  });
  afterEach(async () => {
    await server.close();
  });

  describe('text to image (JSON)', () => {
    it('posts the documented JSON to the documented path with a Bearer key', async () => {
      const result = await provider.generate(providerRequest({ resolution: '2K', aspectRatio: '16:9' }), {
        signal: signal(),
      });

      expect(server.requests).toHaveLength(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.path).toBe('/api/ai/nano-banana/generate');
      expect(sent.headers.authorization).toBe(`Bearer ${server.apiKey}`);
      expect(sent.headers['content-type']).toBe('application/json');
      expect(sent.json).toEqual({ prompt: 'A koi pond at dawn', size: '2k', aspectRatio: '16:9' });
      expect(result.model).toBe('nano-banana-2-2k');
      expect(result.images).toHaveLength(1);
    });

    it('returns URLs that serve real PNGs of the requested ratio', async () => {
      const result = await provider.generate(providerRequest({ aspectRatio: '16:9' }), { signal: signal() });
      const image = result.images[0]!;
      expect('url' in image).toBe(true);
      const url = 'url' in image ? image.url : '';
      expect(url.startsWith(server.url)).toBe(true);

      const response = await request(url, { signal: signal() });
      expect(response.statusCode).toBe(200);
      const bytes = Buffer.from(await response.body.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBe(64);
      expect(meta.height).toBe(36);
    });

    it.each([
      ['1K', '1k'],
      ['2K', '2k'],
      ['4K', '4k'],
    ] as const)('sends resolution %s as size %s', async (resolution, size) => {
      await provider.generate(providerRequest({ resolution }), { signal: signal() });
      expect(server.requests[0]!.json).toMatchObject({ size });
    });

    it('ignores count: one call, no count field, every image of the reply returned', async () => {
      server.setMode({ kind: 'success', images: 2 });
      const result = await provider.generate(providerRequest({ count: 3 }), { signal: signal() });
      expect(server.requests).toHaveLength(1);
      expect(Object.keys(server.requests[0]!.json as object).sort()).toEqual(['aspectRatio', 'prompt', 'size']);
      expect(result.images).toHaveLength(2);
    });

    it('refuses resolution 512 locally, without a call', async () => {
      await expectProviderError(provider.generate(providerRequest({ resolution: '512' }), { signal: signal() }), 'invalid_request');
      expect(server.requests).toHaveLength(0);
    });

    it('ignores a trailing slash on the base URL', async () => {
      const prefixed = new NbproProvider({ apiKey: server.apiKey, baseUrl: `${server.url}/` });
      await prefixed.generate(providerRequest(), { signal: signal() });
      expect(server.requests[0]!.path).toBe('/api/ai/nano-banana/generate');
    });
  });

  describe('references (multipart)', () => {
    it('uploads each reference as an image file part with the fields alongside, bytes intact', async () => {
      const png = await ratioPng('1:1', 32, 7);
      const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#336699' } }).jpeg().toBuffer();
      const references: PreparedImage[] = [
        { bytes: png, mime: 'image/png', name: 'cat photo.png', width: 32, height: 32 },
        { bytes: jpeg, mime: 'image/jpeg', name: 'sky.heic', width: 20, height: 10 },
      ];

      const result = await provider.generate(providerRequest({ references, aspectRatio: '3:4' }), { signal: signal() });

      const sent = server.requests[0]!;
      expect(sent.headers.authorization).toBe(`Bearer ${server.apiKey}`);
      expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(sent.fields).toEqual({ prompt: ['A koi pond at dawn'], size: ['2k'], aspectRatio: ['3:4'] });
      expect(sent.files).toHaveLength(2);
      const [first, second] = sent.files!;
      expect(first).toMatchObject({ field: 'image', name: 'cat_photo.png', type: 'image/png' });
      expect(second).toMatchObject({ field: 'image', name: 'sky.jpg', type: 'image/jpeg' });
      expect(first!.bytes.equals(png)).toBe(true);
      expect(second!.bytes.equals(jpeg)).toBe(true);
      expect(result.images).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it.each([
      [400, 'invalid_request', 'Invalid request parameters'],
      [402, 'out_of_credits', 'Insufficient credits'],
      [403, 'auth', 'Forbidden'],
      [429, 'rate_limited', 'Slow down'],
      [500, 'unavailable', 'Generation failed'],
      [503, 'unavailable', 'Maintenance'],
      [422, 'invalid_request', 'Prompt refused'],
    ] as const)('maps HTTP %i to %s, keeping status and provider message', async (status, kind, text) => {
      server.setMode({ kind: 'error', status, error: text });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), kind);
      expect(error.status).toBe(status);
      expect(error.providerMessage).toBe(text);
      expect(error.providerMessage).toContain(text);
      expect(error.provider).toBe('nbpro');
    });

    it('maps a wrong key (the fake answers 401) to auth', async () => {
      const wrong = new NbproProvider({ apiKey: 'sk-wrong-key-xyz', baseUrl: server.url });
      const error = await expectProviderError(wrong.generate(providerRequest(), { signal: signal() }), 'auth');
      expect(error.status).toBe(401);
      expect(error.providerMessage).toBe('Invalid API key');
      expect(error.message).toBe('The image service refused the bot’s API key. Tell the bot’s operator.');
      expect(error.providerMessage).toBe('Invalid API key');
      expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-wrong-key-xyz');
      expectNoSecret(error, 'sk-wrong-key-xyz');
    });

    it('uses a user-safe message for invalid requests', async () => {
      server.setMode({ kind: 'error', status: 400, error: 'prompt is longer than 2000 characters' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'invalid_request');
      expect(error.message).toBe('The image service rejected this request: prompt is longer than 2000 characters');
    });

    it('carries Retry-After on a 429', async () => {
      server.setMode({ kind: 'error', status: 429, headers: { 'retry-after': '3' } });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'rate_limited');
      expect(error.retryAfterMs).toBe(3000);
    });

    it('truncates a long provider message to about 200 characters', async () => {
      server.setMode({ kind: 'error', status: 400, error: 'x'.repeat(5000) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'invalid_request');
      expect(error.providerMessage!.length).toBeLessThanOrEqual(200);
      expect(error.message.length).toBeLessThan(260);
    });

    it('maps a non-JSON error page by its status alone', async () => {
      server.setMode({ kind: 'text', status: 502, body: '<html><body>Bad Gateway</body></html>' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'unavailable');
      expect(error.status).toBe(502);
      expect(error.providerMessage).toBeUndefined();
      expect(error.message).toBe('The image service is unavailable right now. Try again later.');
    });

    it('maps malformed JSON to bad_response', async () => {
      server.setMode({ kind: 'malformed' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
      expect(error.status).toBe(200);
    });

    it('maps a reply with image links it cannot use (not http) to bad_response', async () => {
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ images: [{ url: 'data:image/png;base64,iVBORw0KGgo=' }] }) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
      expect(error.refusal).toBeUndefined();
    });

    it('maps a reply over the byte cap to bad_response', async () => {
      server.setMode({ kind: 'text', status: 200, body: 'x'.repeat(2 * 1024 * 1024) });
      await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
    });

    it('returns URLs that 404 as they are (the core finds out when it downloads them)', async () => {
      server.setMode({ kind: 'brokenUrls' });
      const result = await provider.generate(providerRequest(), { signal: signal() });
      const image = result.images[0]!;
      const url = 'url' in image ? image.url : '';
      const response = await request(url, { signal: signal() });
      await response.body.dump();
      expect(response.statusCode).toBe(404);
    });

    it('maps a refused connection to unavailable', async () => {
      const port = await closedPort();
      const offline = new NbproProvider({ apiKey: server.apiKey, baseUrl: `http://127.0.0.1:${port}` });
      const error = await expectProviderError(offline.generate(providerRequest(), { signal: signal() }), 'unavailable');
      expect(error.status).toBeUndefined();
      expectNoSecret(error, server.apiKey);
    });
  });

  describe('refusals', () => {
    it.each([
      [400, 'Request contains prohibited content', 'prohibited'],
      [400, 'prompt violates policy', 'policy'],
      [403, 'Your prompt was flagged by the safety system', 'safety'],
      [422, 'content policy violation', 'policy'],
      [451, 'IMAGE_RECITATION', 'copyright'],
      [400, 'finishReason: NO_IMAGE', 'no_image'],
    ] as const)('maps HTTP %i "%s" to refused (%s) with its reason’s text', async (status, text, reason) => {
      server.setMode({ kind: 'error', status, error: text });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ status, refusal: reason, provider: 'nbpro', transient: false, providerMessage: text });
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON[reason]);
      expect(error.message).not.toContain(text);
    });

    it('maps a 200 whose images list is empty to refused (no_image), instead of bad_response as before', async () => {
      server.setMode({ kind: 'noImages' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ status: 200, refusal: 'no_image', transient: false });
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON.no_image);
    });

    it('takes image entries with blank URLs for no image at all', async () => {
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ model: 'nano-banana-2', images: [{ url: ' ' }, ''] }) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error.refusal).toBe('no_image');
    });

    it.each([
      [401, 'auth'],
      [402, 'out_of_credits'],
      [429, 'rate_limited'],
      [500, 'unavailable'],
      [503, 'unavailable'],
    ] as const)('keeps HTTP %i with refusal words %s: only the model’s judgement is a refusal', async (status, kind) => {
      server.setMode({ kind: 'error', status, error: 'The response was blocked due to safety settings' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), kind);
      expect(error.refusal).toBeUndefined();
    });

    it('keeps a 400 or 403 without refusal words what it was', async () => {
      server.setMode({ kind: 'error', status: 403, error: 'Access prohibited from your region' });
      await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'auth');
      server.setMode({ kind: 'error', status: 400, error: 'Invalid request parameters' });
      await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'invalid_request');
    });

    it('never tells the person the provider’s words or the key, and keeps them (redacted) for the operator', async () => {
      server.setMode({ kind: 'error', status: 400, error: `IMAGE_SAFETY: "A koi pond at dawn" refused for key ${server.apiKey}` });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON.safety);
      expect(error.message).not.toMatch(/koi|IMAGE_SAFETY/);
      expect(error.providerMessage).toBe('IMAGE_SAFETY: "A koi pond at dawn" refused for key [redacted]');
      expectNoSecret(error, server.apiKey);
    });
  });

  describe('timeouts and cancellation', () => {
    it('maps a timeout of the signal to timeout', async () => {
      server.setMode({ kind: 'hang' });
      const error = await expectProviderError(
        provider.generate(providerRequest(), { signal: AbortSignal.timeout(200) }),
        'timeout',
      );
      expect(error.message).toBe('The image service took too long to answer. Try again later.');
    });

    it('tells a cancellation by the caller apart from a timeout', async () => {
      server.setMode({ kind: 'hang' });
      const controller = new AbortController();
      const pending = provider.generate(providerRequest(), { signal: controller.signal });
      await server.waitForRequests(1);
      controller.abort();
      const error = await expectProviderError(pending, 'timeout');
      expect(error.providerMessage).toMatch(/cancelled/);
      expect((error.cause as Error).name).toBe('AbortError');
    });

    it('fails at once on an already aborted signal', async () => {
      const controller = new AbortController();
      controller.abort();
      await expectProviderError(provider.generate(providerRequest(), { signal: controller.signal }), 'timeout');
    });
  });

  describe('secrecy', () => {
    it('never lets the API key into an error, even when the provider echoes it', async () => {
      server.setMode({ kind: 'error', status: 401, error: `key ${server.apiKey} is revoked` });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'auth');
      expect(error.providerMessage).toContain('[redacted]');
      expectNoSecret(error, server.apiKey);
    });

    it.each([
      { kind: 'error', status: 400 },
      { kind: 'error', status: 402 },
      { kind: 'error', status: 500 },
      { kind: 'malformed' },
      { kind: 'noImages' },
    ] as const)('keeps the key out of the error for %o', async (behaviour) => {
      server.setMode(behaviour);
      const error: unknown = await provider.generate(providerRequest(), { signal: signal() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expectNoSecret(error, server.apiKey);
    });

    it('keeps the key out of a timeout error', async () => {
      server.setMode({ kind: 'hang' });
      const error = await expectProviderError(
        provider.generate(providerRequest(), { signal: AbortSignal.timeout(100) }),
        'timeout',
      );
      expectNoSecret(error, server.apiKey);
    });

    it('logs each call without the key, headers or prompt', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      const logged = new NbproProvider({ apiKey: server.apiKey, baseUrl: server.url, logger: pino({ level: 'debug' }, sink) });
      await logged.generate(providerRequest(), { signal: signal() });
      expect(lines.join('')).toContain('"provider":"nbpro"');
      expect(lines.join('')).not.toContain(server.apiKey);
      expect(lines.join('')).not.toContain('koi');
    });
  });

  describe('construction', () => {
    it('refuses an empty key and a base URL that is not http(s), listing both', () => {
      expect(() => new NbproProvider({ apiKey: ' ', baseUrl: 'ftp://x' })).toThrow(ConfigError);
      try {
        new NbproProvider({ apiKey: '', baseUrl: 'nope' });
      } catch (error) {
        expect((error as ConfigError).problems).toHaveLength(2);
      }
    });
  });
});
