import sharp from 'sharp';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { NbapiProvider } from '../../../src/core/providers/nbapi.js';
import { REFUSAL_TEXT_BY_REASON } from '../../../src/core/userText.js';
import { ratioPng } from '../../fakes/fakeServerKit.js';
import { startNbapiServer, type FakeNbapiServer } from '../../fakes/nbapiServer.js';
import { closedPort, expectNoSecret, expectProviderError, providerRequest } from './fixtures.js';

const signal = (): AbortSignal => AbortSignal.timeout(5_000);
const MODEL = 'gemini-3-pro-image-preview-2k';

describe('NbapiProvider', () => {
  let server: FakeNbapiServer;
  let provider: NbapiProvider;

  beforeEach(async () => {
    server = await startNbapiServer();
    provider = new NbapiProvider({ apiKey: server.apiKey, baseUrl: server.url });
  });
  afterEach(async () => {
    await server.close();
  });

  describe('success', () => {
    it('posts the documented JSON to the documented path with a Bearer key', async () => {
      const result = await provider.generate(providerRequest({ model: MODEL, count: 1, aspectRatio: '9:16' }), {
        signal: signal(),
      });

      expect(server.requests).toHaveLength(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.path).toBe('/v1/images/generate');
      expect(sent.headers.authorization).toBe(`Bearer ${server.apiKey}`);
      expect(sent.headers['content-type']).toBe('application/json');
      expect(sent.json).toEqual({ prompt: 'A koi pond at dawn', num: 1, model: MODEL, image_size: '9:16' });
      expect(result.model).toBe(MODEL);
      expect(result.images).toHaveLength(1);
    });

    it('reads a single URL string and serves a real PNG of the ratio behind it', async () => {
      const result = await provider.generate(providerRequest({ model: MODEL, aspectRatio: '9:16' }), { signal: signal() });
      const image = result.images[0]!;
      const url = 'url' in image ? image.url : '';
      expect(url).toMatch(/\/v1\/images\/img-\d+\.png$/);
      const response = await request(url, { signal: signal() });
      const meta = await sharp(Buffer.from(await response.body.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'png', width: 36, height: 64 });
    });

    it('asks for count images with num and reads the URL array', async () => {
      const result = await provider.generate(providerRequest({ model: MODEL, count: 3 }), { signal: signal() });
      expect(server.requests[0]!.json).toMatchObject({ num: 3 });
      expect(result.images).toHaveLength(3);
      expect(new Set(result.images.map((i) => ('url' in i ? i.url : ''))).size).toBe(3);
    });

    it('accepts fewer URLs than num (a partial result)', async () => {
      server.setMode({ kind: 'success', images: 2 });
      const result = await provider.generate(providerRequest({ model: MODEL, count: 4 }), { signal: signal() });
      expect(result.images).toHaveLength(2);
    });

    it('cuts extra URLs down to num', async () => {
      server.setMode({ kind: 'success', images: 3 });
      const result = await provider.generate(providerRequest({ model: MODEL, count: 2 }), { signal: signal() });
      expect(result.images).toHaveLength(2);
    });

    it('reads a one-element URL array', async () => {
      server.setMode({ kind: 'success', asArray: true });
      const result = await provider.generate(providerRequest({ model: MODEL }), { signal: signal() });
      expect(result.images).toHaveLength(1);
    });
  });

  describe('refusals before any call', () => {
    it('refuses references as invalid_request', async () => {
      const png = await ratioPng('1:1', 8);
      const error = await expectProviderError(
        provider.generate(
          providerRequest({ references: [{ bytes: png, mime: 'image/png', name: 'a.png', width: 8, height: 8 }] }),
          { signal: signal() },
        ),
        'invalid_request',
      );
      expect(error.message).toMatch(/reference/);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('errors', () => {
    it.each([
      [400, 'insufficient credits', 200, 'out_of_credits'],
      [400, 'insufficient credits', 400, 'out_of_credits'],
      [400, 'Invalid request parameters', 200, 'invalid_request'],
      [400, 'Invalid request parameters', 400, 'invalid_request'],
      [401, 'Invalid API key', 200, 'auth'],
      [429, 'Too many requests', 429, 'rate_limited'],
      [500, 'Server error', 500, 'unavailable'],
      [500, 'Server error', 200, 'unavailable'],
      [503, 'Overloaded', 503, 'unavailable'],
      [1001, 'Unknown model', 200, 'invalid_request'],
    ] as const)('maps code %i "%s" (HTTP %i) to %s', async (code, message, httpStatus, kind) => {
      server.setMode({ kind: 'error', code, message, httpStatus });
      const error = await expectProviderError(provider.generate(providerRequest({ model: MODEL }), { signal: signal() }), kind);
      expect(error.status).toBe(httpStatus);
      expect(error.providerMessage).toBe(message);
      expect(error.providerMessage).toContain(message);
      expect(error.provider).toBe('nbapi');
    });

    it('maps a wrong key (the fake answers 401) to auth', async () => {
      const wrong = new NbapiProvider({ apiKey: 'wrong-key-123', baseUrl: server.url });
      const error = await expectProviderError(wrong.generate(providerRequest(), { signal: signal() }), 'auth');
      expect(error.status).toBe(401);
      expect(error.message).toBe('The image service refused the bot’s API key. Tell the bot’s operator.');
      expect(error.providerMessage).toBe('Invalid API key');
      expectNoSecret(error, 'wrong-key-123');
    });

    it('words an out-of-credits answer for people', async () => {
      server.setMode({ kind: 'error', code: 400, message: 'insufficient credits' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'out_of_credits');
      expect(error.message).toBe('The bot’s image-service account is out of credits. Tell the bot’s operator.');
      expect(error.providerMessage).toBe('insufficient credits');
    });

    it('carries Retry-After on a 429', async () => {
      server.setMode({ kind: 'error', code: 429, headers: { 'retry-after': '2' } });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'rate_limited');
      expect(error.retryAfterMs).toBe(2000);
    });

    it.each([
      [502, 'unavailable'],
      [504, 'unavailable'],
      [403, 'auth'],
      [400, 'invalid_request'],
    ] as const)('maps a non-JSON HTTP %i page to %s', async (status, kind) => {
      server.setMode({ kind: 'text', status, body: '<html>gateway trouble</html>' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), kind);
      expect(error.status).toBe(status);
      expect(error.providerMessage).toBeUndefined();
    });

    it('maps malformed JSON to bad_response', async () => {
      server.setMode({ kind: 'malformed' });
      await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
    });

    it('maps a success whose URLs are all unusable (not http) to bad_response', async () => {
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ code: 0, message: 'ok', data: { url: ['file:///tmp/a.png'] } }) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
      expect(error.refusal).toBeUndefined();
    });

    it('maps a success without data.url to bad_response: it does not parse', async () => {
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ code: 0, message: 'ok', data: {} }) });
      await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'bad_response');
    });

    it('returns URLs that 404 as they are', async () => {
      server.setMode({ kind: 'brokenUrls' });
      const result = await provider.generate(providerRequest(), { signal: signal() });
      const image = result.images[0]!;
      const response = await request('url' in image ? image.url : '', { signal: signal() });
      await response.body.dump();
      expect(response.statusCode).toBe(404);
    });

    it('maps a refused connection to unavailable', async () => {
      const port = await closedPort();
      const offline = new NbapiProvider({ apiKey: server.apiKey, baseUrl: `http://127.0.0.1:${port}` });
      const error = await expectProviderError(offline.generate(providerRequest(), { signal: signal() }), 'unavailable');
      expectNoSecret(error, server.apiKey);
    });

    it('maps a hanging server to timeout', async () => {
      server.setMode({ kind: 'hang' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: AbortSignal.timeout(200) }), 'timeout');
      expect(error.message).toBe('The image service took too long to answer. Try again later.');
      expectNoSecret(error, server.apiKey);
    });
  });

  describe('refusals', () => {
    it.each([
      [400, 'Request contains prohibited content', 400, 'prohibited'],
      [400, 'Request contains prohibited content', 200, 'prohibited'],
      [403, 'Your prompt was flagged by the safety system', 403, 'safety'],
      [422, 'sensitive content detected', 200, 'safety'],
      [451, 'content policy violation', 451, 'policy'],
      [400, 'blocked: prompt: BlockedReasonOther ()', 400, 'policy'],
      [1001, 'IMAGE_PROHIBITED_CONTENT', 400, 'prohibited'],
    ] as const)('maps code %i "%s" (HTTP %i) to refused (%s) with its reason’s text', async (code, message, httpStatus, reason) => {
      server.setMode({ kind: 'error', code, message, httpStatus });
      const error = await expectProviderError(provider.generate(providerRequest({ model: MODEL }), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ status: httpStatus, refusal: reason, provider: 'nbapi', transient: false, providerMessage: message });
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON[reason]);
      expect(error.message).not.toContain(message);
    });

    it('reads the refusal before the credit words a reseller may add to it', async () => {
      server.setMode({ kind: 'error', code: 400, message: 'Your prompt was flagged by the safety system. No credits were deducted.' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error.refusal).toBe('safety');
    });

    it.each([
      [401, 200, 'auth'],
      [402, 402, 'out_of_credits'],
      [429, 429, 'rate_limited'],
      [500, 500, 'unavailable'],
      [503, 200, 'unavailable'],
      [1001, 200, 'invalid_request'],
    ] as const)('keeps code %i (HTTP %i) with refusal words %s', async (code, httpStatus, kind) => {
      server.setMode({ kind: 'error', code, httpStatus, message: 'The response was blocked due to safety settings' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), kind);
      expect(error.refusal).toBeUndefined();
    });

    it('reads a refusal in a non-2xx reply whose envelope says code 0', async () => {
      server.setMode({ kind: 'text', status: 403, body: JSON.stringify({ code: 0, message: 'PROHIBITED_CONTENT' }) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ status: 403, refusal: 'prohibited' });
    });

    it('maps a success without URLs to refused (no_image), instead of bad_response as before', async () => {
      server.setMode({ kind: 'noImages' });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ status: 200, refusal: 'no_image', transient: false });
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON.no_image);
    });

    it('takes an empty url string for no image, and the envelope’s message for the reason when it names one', async () => {
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ code: 0, message: 'ok', data: { url: '' } }) });
      expect((await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused')).refusal).toBe('no_image');
      server.setMode({ kind: 'text', status: 200, body: JSON.stringify({ code: 0, message: 'IMAGE_SAFETY', data: { url: [] } }) });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error).toMatchObject({ refusal: 'safety', message: REFUSAL_TEXT_BY_REASON.safety });
      expect(error.providerMessage).toBe('The image provider answered without any image: IMAGE_SAFETY');
    });

    it('never tells the person the provider’s words or the key, and keeps them (redacted) for the operator', async () => {
      server.setMode({ kind: 'error', code: 400, message: `content policy violation: "A koi pond at dawn" (key ${server.apiKey})` });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'refused');
      expect(error.message).toBe(REFUSAL_TEXT_BY_REASON.policy);
      expect(error.message).not.toMatch(/koi|violation/);
      expect(error.providerMessage).toBe('content policy violation: "A koi pond at dawn" (key [redacted])');
      expectNoSecret(error, server.apiKey);
    });
  });

  describe('secrecy', () => {
    it('never lets the API key into an error, even when the provider echoes it', async () => {
      server.setMode({ kind: 'error', code: 400, message: `bad key ${server.apiKey} for this model` });
      const error = await expectProviderError(provider.generate(providerRequest(), { signal: signal() }), 'invalid_request');
      expect(error.providerMessage).toBe('bad key [redacted] for this model');
      expectNoSecret(error, server.apiKey);
    });
  });

  describe('construction', () => {
    it('refuses an unusable base URL with a ConfigError naming the variable', () => {
      expect(() => new NbapiProvider({ apiKey: 'k', baseUrl: 'api.nanobananaapi.dev' })).toThrow(/NBAPI_BASE_URL/);
      expect(() => new NbapiProvider({ apiKey: '', baseUrl: 'https://api.nanobananaapi.dev' })).toThrow(ConfigError);
    });
  });
});
