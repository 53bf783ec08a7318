/**
 * The network policy end to end: fetchImage through the guarded agent, against real servers on
 * 127.0.0.1. Each refusal also checks that the server never saw the request — the connection was
 * refused before any byte was sent, not answered with an error.
 */
import type { LookupFunction } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { fetchImage } from '../../../src/core/images/fetchImage.js';
import { FetchRefusedError } from '../../../src/core/net/FetchRefusedError.js';
import { createGuardedAgent, type GuardOptions } from '../../../src/core/net/guardedAgent.js';
import { FileServer } from '../../fakes/fileServer.js';
import { solidPng } from '../../fakes/imageFixtures.js';

const PRIVATE = 'The image link points to a private or local network address, which the bot does not download from.';

let png: Buffer;
let allowed: FileServer;
/** Another service on the same host (an ops port, a database): never in the allow-list. */
let other: FileServer;
const agents: Agent[] = [];

beforeAll(async () => {
  png = await solidPng(16, 16, '#3a7');
});

beforeEach(async () => {
  allowed = await FileServer.start();
  other = await FileServer.start();
  allowed.bytes('/a.png', png, 'image/png');
  other.bytes('/a.png', png, 'image/png');
});

afterEach(async () => {
  await Promise.all([...agents.splice(0).map((a) => a.close()), allowed.close(), other.close()]);
});

function agent(options: Partial<GuardOptions> = {}): Agent {
  const made = createGuardedAgent({ allowOrigins: [allowed.origin], ...options });
  agents.push(made);
  return made;
}

function fetchVia(dispatcher: Agent, url: string) {
  return fetchImage({ url }, { maxBytes: 1024 * 1024, timeoutMs: 5000, dispatcher });
}

async function refused(promise: Promise<unknown>): Promise<FetchRefusedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchRefusedError);
  expect((error as FetchRefusedError).code).toBe('fetch_refused');
  return error as FetchRefusedError;
}

/** Resolves every name to `addresses`, as a rebinding DNS server would. */
function resolvingTo(...addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  };
}

const portOf = (server: FileServer) => new URL(server.origin).port;

describe('the guarded agent', () => {
  it('lets an allowed origin through: scheme, host and that exact port', async () => {
    const image = await fetchVia(agent(), allowed.url('/a.png'));
    expect(image.bytes.equals(png)).toBe(true);
  });

  it('refuses another port on the same host', async () => {
    const error = await refused(fetchVia(agent(), other.url('/a.png')));
    expect(error.message).toBe(PRIVATE);
    expect(other.requests).toHaveLength(0);
  });

  it('refuses the allowed port under another spelling of the host (origins match exactly)', async () => {
    await refused(fetchVia(agent(), `http://localhost:${portOf(allowed)}/a.png`));
    expect(allowed.requests).toHaveLength(0);
  });

  // Every spelling reaches this host (PORT is another local server's); none is the allowed origin.
  it.each([
    'http://127.0.0.1:PORT/a.png',
    'http://2130706433:PORT/a.png',
    'http://0x7f.0.0.1:PORT/a.png',
    'http://0177.0.0.1:PORT/a.png',
    'http://127.1:PORT/a.png',
    'http://0.0.0.0:PORT/a.png',
    'http://[::ffff:127.0.0.1]:PORT/a.png',
    'http://[::1]:PORT/a.png',
    'http://[::]:PORT/a.png',
    'http://[fe80::1]:PORT/a.png',
    'http://[fc00::1]:PORT/a.png',
    'http://localhost:PORT/a.png',
  ])('refuses %s on a local server’s port', async (pattern) => {
    const url = pattern.replace('PORT', portOf(other));
    expect((await refused(fetchVia(agent(), url))).message).toBe(PRIVATE);
    expect(other.requests).toHaveLength(0);
  });

  it('checks the address a name resolves to at connect time (DNS rebinding)', async () => {
    const url = `http://images.example.com:${portOf(other)}/a.png`;
    await refused(fetchVia(agent({ lookup: resolvingTo('127.0.0.1') }), url));
    expect(other.requests).toHaveLength(0);
    // The same resolution with the name allowed reaches the server: the refusal above was the check.
    const image = await fetchVia(agent({ lookup: resolvingTo('127.0.0.1'), allowOrigins: [`http://images.example.com:${portOf(other)}`] }), url);
    expect(image.bytes.equals(png)).toBe(true);
  });

  it('refuses an answer that mixes a public and a private address', async () => {
    await refused(fetchVia(agent({ lookup: resolvingTo('8.8.8.8', '127.0.0.1') }), `http://images.example.com:${portOf(other)}/a.png`));
    expect(other.requests).toHaveLength(0);
  });
});

describe('redirects through the guarded agent', () => {
  it('refuses an allowed origin’s redirect to another local port, without reaching it', async () => {
    allowed.redirect('/to-ops', other.url('/a.png'));
    expect((await refused(fetchVia(agent(), allowed.url('/to-ops')))).message).toBe(PRIVATE);
    expect(allowed.requestsTo('/to-ops')).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('refuses a redirect to a numeric spelling of loopback', async () => {
    allowed.redirect('/to-decimal', `http://2130706433:${portOf(other)}/a.png`);
    await refused(fetchVia(agent(), allowed.url('/to-decimal')));
    expect(other.requests).toHaveLength(0);
  });

  it.each([
    ['file:///etc/passwd', 'not_http'],
    ['ftp://127.0.0.1/a.png', 'not_http'],
    ['http://user:pw@127.0.0.1/a.png', 'user_info'],
  ])('refuses a redirect to %s', async (location, reason) => {
    allowed.redirect('/hop', location);
    expect((await refused(fetchVia(agent(), allowed.url('/hop')))).reason).toBe(reason);
  });

  it('follows redirects within the allowed origin up to the cap of 3, and no further', async () => {
    allowed.redirect('/r1', '/r2').redirect('/r2', '/r3').redirect('/r3', '/a.png');
    expect((await fetchVia(agent(), allowed.url('/r1'))).bytes.equals(png)).toBe(true);
    allowed.redirect('/r0', '/r1');
    const error = await fetchVia(agent(), allowed.url('/r0')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'image_fetch_failed', message: 'Could not download the image (too many redirects).' });
    expect(allowed.requestsTo('/a.png')).toHaveLength(1);
  });
});
