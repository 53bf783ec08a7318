import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { ImageError } from '../../../src/core/errors.js';
import { fetchImage, type FetchImageOptions, type ImageSource } from '../../../src/core/images/fetchImage.js';
import { NOT_AN_IMAGE_MESSAGE } from '../../../src/core/images/limits.js';
import { FetchRefusedError } from '../../../src/core/net/FetchRefusedError.js';
import { FileServer, LOGIN_PAGE } from '../../fakes/fileServer.js';
import { noisyPng, solidPng } from '../../fakes/imageFixtures.js';

const MB = 1024 * 1024;
const TOKEN = 'xoxb-very-secret-token';

let png: Buffer;
let bigPng: Buffer;
let agent: Agent;
let server: FileServer;
let other: FileServer;

beforeAll(async () => {
  png = await solidPng(64, 48, '#3a7');
  bigPng = await noisyPng(700, 700); // ~1.5 MB
  agent = new Agent();
});

afterAll(async () => {
  await agent.close();
});

beforeEach(async () => {
  server = await FileServer.start();
  other = await FileServer.start();
});

afterEach(async () => {
  await Promise.all([server.close(), other.close()]);
});

function fetchFrom(source: ImageSource | string, options: Partial<FetchImageOptions> = {}) {
  const src = typeof source === 'string' ? { url: source } : source;
  return fetchImage(src, { maxBytes: MB, timeoutMs: 5000, dispatcher: agent, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

describe('fetchImage', () => {
  it('downloads an image and tells its type from the bytes, not the content type', async () => {
    server.bytes('/a.png', png, 'application/octet-stream');
    const image = await fetchFrom(server.url('/a.png'));
    expect(image.mime).toBe('image/png');
    expect(image.bytes.equals(png)).toBe(true);
  });

  it('accepts a chunked body under the cap', async () => {
    server.bytes('/big.png', bigPng, 'image/png', { chunked: true });
    const image = await fetchFrom(server.url('/big.png'), { maxBytes: 2 * MB });
    expect(image.bytes.equals(bigPng)).toBe(true);
  });

  describe('byte cap', () => {
    it('refuses a declared content-length over the cap, naming the limit in MiB', async () => {
      server.bytes('/big.png', bigPng, 'image/png');
      const error = await failure(fetchFrom(server.url('/big.png'), { maxBytes: MB }));
      expect(error.code).toBe('image_too_large');
      expect(error.message).toBe('That image is larger than the 1 MiB limit.');
    });

    it('refuses a chunked body without content-length once it passes the cap', async () => {
      server.bytes('/big.png', bigPng, 'image/png', { chunked: true });
      const error = await failure(fetchFrom(server.url('/big.png'), { maxBytes: 0.5 * MB }));
      expect(error.code).toBe('image_too_large');
      expect(error.message).toContain('0.5 MiB');
    });

    it('cuts off an endless body instead of reading it all', async () => {
      server.endless('/endless.png', 'image/png', png.subarray(0, 16));
      const error = await failure(fetchFrom(server.url('/endless.png'), { maxBytes: 2 * MB }));
      expect(error.code).toBe('image_too_large');
    });
  });

  describe('content check', () => {
    it('refuses an HTML page served in place of an image', async () => {
      server.bytes('/page', LOGIN_PAGE, 'text/html');
      const error = await failure(fetchFrom(server.url('/page')));
      expect(error.code).toBe('image_not_image');
      expect(error.message).toBe(NOT_AN_IMAGE_MESSAGE);
    });

    it('refuses HTML even when it claims to be a PNG', async () => {
      server.bytes('/liar.png', LOGIN_PAGE, 'image/png', { chunked: true });
      expect((await failure(fetchFrom(server.url('/liar.png')))).code).toBe('image_not_image');
    });

    it('stops reading a large non-image after its first bytes', async () => {
      server.endless('/video', 'video/mp4', Buffer.from('\x00\x00\x00\x18ftypmp42', 'latin1'));
      expect((await failure(fetchFrom(server.url('/video'), { maxBytes: 100 * MB }))).code).toBe('image_not_image');
    });

    it('refuses an empty body', async () => {
      server.bytes('/empty', Buffer.alloc(0), 'image/png');
      expect((await failure(fetchFrom(server.url('/empty')))).code).toBe('image_not_image');
    });
  });

  describe('HTTP failures', () => {
    it.each([403, 404, 500, 503])('reports HTTP %i as image_fetch_failed', async (status) => {
      server.route('/x', (_request, response) => response.writeHead(status).end('nope'));
      const error = await failure(fetchFrom(server.url('/x')));
      expect(error.code).toBe('image_fetch_failed');
      expect(error.message).toContain(`HTTP ${status}`);
    });

    it('reports an unreachable server', async () => {
      const gone = await FileServer.start();
      const url = gone.url('/a.png');
      await gone.close();
      expect((await failure(fetchFrom(url))).code).toBe('image_fetch_failed');
    });

    it.each(['file:///etc/passwd', 'not a url', 'ftp://127.0.0.1/a.png', 'data:image/png;base64,iVBORw0KGgo='])('refuses the URL %j', async (url) => {
      await expect(fetchFrom(url)).rejects.toMatchObject({ code: 'fetch_refused' });
    });

    it('refuses a URL with user info before sending anything', async () => {
      server.bytes('/a.png', png, 'image/png');
      const error: unknown = await fetchFrom(server.url('/a.png').replace('http://', 'http://user:secret@')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FetchRefusedError);
      expect(error).toMatchObject({ code: 'fetch_refused', message: 'The image link carries a user name or password, which the bot does not use.' });
      expect((error as Error).message).not.toContain('secret');
      expect(server.requests).toHaveLength(0);
    });

    it('gives up on a redirect loop', async () => {
      server.redirect('/loop', '/loop');
      const error = await failure(fetchFrom(server.url('/loop'), { maxRedirects: 3 }));
      expect(error.code).toBe('image_fetch_failed');
      expect(server.requestsTo('/loop')).toHaveLength(4);
    });
  });

  describe('redirects and auth headers', () => {
    it('sends the auth header to a Slack-like private file and gets the image', async () => {
      server.privateFile('/files/a.png', TOKEN, png, 'image/png');
      const image = await fetchFrom({ url: server.url('/files/a.png'), headers: { authorization: `Bearer ${TOKEN}` } });
      expect(image.bytes.equals(png)).toBe(true);
    });

    it('refuses the login page a missing token leads to, without naming the token', async () => {
      server.privateFile('/files/a.png', TOKEN, png, 'image/png');
      const error = await failure(fetchFrom(server.url('/files/a.png')));
      expect(error.code).toBe('image_not_image');
      expect(server.requestsTo('/login')).toHaveLength(1);
    });

    it('keeps the auth header on a same-origin redirect', async () => {
      server.redirect('/old.png', '/files/a.png', 301).privateFile('/files/a.png', TOKEN, png, 'image/png');
      const image = await fetchFrom({ url: server.url('/old.png'), headers: { authorization: `Bearer ${TOKEN}` } });
      expect(image.mime).toBe('image/png');
    });

    it('drops the auth header on a redirect to another origin', async () => {
      server.redirect('/a.png', other.url('/cdn/a.png'));
      other.redirect('/cdn/a.png', server.url('/back.png'), 307);
      server.bytes('/back.png', png, 'image/png');
      const image = await fetchFrom({
        url: server.url('/a.png'),
        headers: { authorization: `Bearer ${TOKEN}`, cookie: 'd=secret' },
      });
      expect(image.bytes.equals(png)).toBe(true);
      expect(server.requestsTo('/a.png')[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const leaked = other.requestsTo('/cdn/a.png')[0]?.headers;
      expect(leaked?.authorization).toBeUndefined();
      expect(leaked?.cookie).toBeUndefined();
      // Once dropped, the token does not come back when the chain returns to the first origin.
      expect(server.requestsTo('/back.png')[0]?.headers.authorization).toBeUndefined();
    });

    it('never puts header values in error messages', async () => {
      server.route('/denied', (_request, response) => response.writeHead(401).end(`bad token ${TOKEN}`));
      const error = await failure(fetchFrom({ url: server.url('/denied'), headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain('127.0.0.1');
    });
  });

  describe('time', () => {
    it('times out a server that never answers', async () => {
      server.hang('/hang');
      const error = await failure(fetchFrom(server.url('/hang'), { timeoutMs: 150 }));
      expect(error.code).toBe('image_timeout');
    });

    it('times out a body that stalls half-way', async () => {
      server.hang('/stall.png', { contentType: 'image/png', first: png.subarray(0, 32) });
      expect((await failure(fetchFrom(server.url('/stall.png'), { timeoutMs: 150 }))).code).toBe('image_timeout');
    });

    it('rethrows the caller’s abort reason', async () => {
      const controller = new AbortController();
      const reason = new Error('job cancelled');
      server.route('/hang', () => controller.abort(reason));
      await expect(fetchFrom(server.url('/hang'), { signal: controller.signal })).rejects.toBe(reason);
    });

    it('does not start when the caller has already aborted', async () => {
      server.bytes('/a.png', png, 'image/png');
      const reason = new Error('job cancelled');
      await expect(fetchFrom(server.url('/a.png'), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(server.requestsTo('/a.png')).toHaveLength(0);
    });
  });
});
