/**
 * The fake providers' keys, tested through the real clients: several accepted keys, each with its own
 * concurrency; a revoked key answering the documented 401 while the others go on; the key of every
 * recorded request; and a scripted refusal.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NbapiProvider } from '../../../src/core/providers/nbapi.js';
import { NbproProvider } from '../../../src/core/providers/nbpro.js';
import type { ImageProvider } from '../../../src/core/providers/types.js';
import { REFUSAL_TEXT_BY_REASON } from '../../../src/core/userText.js';
import type { FakeProviderServer } from '../../fakes/fakeServerKit.js';
import { NBAPI_FAKE_KEY, NBAPI_REFUSAL, startNbapiServer } from '../../fakes/nbapiServer.js';
import { NBPRO_FAKE_KEY, NBPRO_REFUSAL, startNbproServer } from '../../fakes/nbproServer.js';
import { expectProviderError, providerRequest } from './fixtures.js';

/** One fake with its client and the behaviours these tests script, whatever its behaviour type. */
interface Fake {
  readonly server: FakeProviderServer<unknown>;
  readonly client: (key: string) => ImageProvider;
  readonly hang: () => void;
  readonly succeedAfter: (delayMs: number) => void;
  readonly refuse: () => void;
  readonly path: string;
}

interface FakeKind {
  readonly name: string;
  readonly defaultKey: string;
  readonly refusal: keyof typeof REFUSAL_TEXT_BY_REASON;
  start(options?: { apiKey?: string; apiKeys?: readonly string[] }): Promise<Fake>;
}

const KINDS: readonly FakeKind[] = [
  {
    name: 'nbpro',
    defaultKey: NBPRO_FAKE_KEY,
    refusal: 'prohibited',
    async start(options = {}) {
      const server = await startNbproServer(options);
      return {
        server,
        client: (key) => new NbproProvider({ apiKey: key, baseUrl: server.url }),
        hang: () => server.setMode({ kind: 'hang' }),
        succeedAfter: (delayMs) => server.setMode({ kind: 'success', delayMs }),
        refuse: () => server.setMode(NBPRO_REFUSAL),
        path: '/api/ai/nano-banana/generate',
      };
    },
  },
  {
    name: 'nbapi',
    defaultKey: NBAPI_FAKE_KEY,
    refusal: 'safety',
    async start(options = {}) {
      const server = await startNbapiServer(options);
      return {
        server,
        client: (key) => new NbapiProvider({ apiKey: key, baseUrl: server.url }),
        hang: () => server.setMode({ kind: 'hang' }),
        succeedAfter: (delayMs) => server.setMode({ kind: 'success', delayMs }),
        refuse: () => server.setMode(NBAPI_REFUSAL),
        path: '/v1/images/generate',
      };
    },
  },
];

const signal = (): AbortSignal => AbortSignal.timeout(5_000);
const [K1, K2] = ['key-one-0123456789', 'key-two-0123456789'] as const;

describe.each(KINDS)('the fake $name', (kind) => {
  let fake: Fake | undefined;
  afterEach(async () => {
    await fake?.server.close();
    fake = undefined;
  });

  it('accepts its one default key, or the one given as apiKey', async () => {
    fake = await kind.start();
    expect(fake.server.apiKeys).toEqual([kind.defaultKey]);
    expect(fake.server.apiKey).toBe(kind.defaultKey);
    await fake.server.close();

    fake = await kind.start({ apiKey: 'sk-only-this-one' });
    expect(fake.server.apiKeys).toEqual(['sk-only-this-one']);
    await fake.client('sk-only-this-one').generate(providerRequest(), { signal: signal() });
    expect(fake.server.requests[0]!.key).toBe('sk-only-this-one');
  });

  it('counts each key’s calls in flight apart, and all of them together', async () => {
    fake = await kind.start({ apiKeys: [K1, K2] });
    expect(fake.server.apiKey).toBe(K1);
    fake.hang();
    const controller = new AbortController();
    const calls = [K1, K1, K1, K2, K2].map((key) =>
      fake!.client(key).generate(providerRequest(), { signal: controller.signal }).catch((error: unknown) => error),
    );
    await fake.server.waitForRequests(5);

    expect(fake.server.concurrencyByKey(K1).now).toBe(3);
    expect(fake.server.concurrencyByKey(K2).now).toBe(2);
    expect(fake.server.concurrency.now).toBe(5);
    expect(fake.server.requests.map((r) => r.key).sort()).toEqual([K1, K1, K1, K2, K2]);

    controller.abort();
    await Promise.all(calls);
    const { server } = fake;
    await vi.waitFor(() => expect(server.concurrency.now).toBe(0));
    expect(server.concurrencyByKey(K1)).toMatchObject({ now: 0, peak: 3 });
    expect(server.concurrencyByKey(K2)).toMatchObject({ now: 0, peak: 2 });
    expect(server.concurrency.peak).toBe(5);
  });

  it('makes concurrency visible with a delayed success', async () => {
    fake = await kind.start({ apiKeys: [K1, K2] });
    fake.succeedAfter(150);
    const results = await Promise.all([K1, K2, K2].map((key) => fake!.client(key).generate(providerRequest(), { signal: signal() })));

    expect(results.every((result) => result.images.length === 1)).toBe(true);
    expect(fake.server.concurrencyByKey(K2).peak).toBe(2);
    expect(fake.server.concurrency.peak).toBe(3);
    expect(fake.server.concurrencyByKey(K1).busyMs).toBeGreaterThanOrEqual(140);
  });

  it('answers the documented 401 for a revoked key from then on, and lets the other key go on', async () => {
    fake = await kind.start({ apiKeys: [K1, K2] });
    await fake.client(K1).generate(providerRequest(), { signal: signal() });

    fake.server.revokeKey(K1);
    const error = await expectProviderError(fake.client(K1).generate(providerRequest(), { signal: signal() }), 'auth');
    expect(error).toMatchObject({ status: 401, providerMessage: 'Invalid API key' });
    await expectProviderError(fake.client(K1).generate(providerRequest(), { signal: signal() }), 'auth');
    const result = await fake.client(K2).generate(providerRequest(), { signal: signal() });

    expect(result.images).toHaveLength(1);
    expect(fake.server.requests.map((r) => r.key)).toEqual([K1, K1, K1, K2]);
    expect(fake.server.concurrencyByKey(K1).peak).toBe(1);
    expect(fake.server.concurrency.peak).toBe(1);
    expect(fake.server.apiKeys).toEqual([K1, K2]);
  });

  it('refuses keys it was not started with, and records a request without one', async () => {
    fake = await kind.start({ apiKeys: [K1] });
    expect(() => fake!.server.concurrencyByKey('typo')).toThrow(/no key "typo"/);
    expect(() => fake!.server.revokeKey('typo')).toThrow(/no key "typo"/);
    await expectProviderError(fake.client('typo-key').generate(providerRequest(), { signal: signal() }), 'auth');

    const response = await request(`${fake.server.url}${fake.path}`, { method: 'POST', body: '{}', signal: signal() });
    await response.body.dump();
    expect(response.statusCode).toBe(401);
    expect(fake.server.requests.map((r) => r.key)).toEqual(['typo-key', undefined]);
    expect(fake.server.concurrency.peak).toBe(0);
  });

  it('scripts a refusal the client reads as refused', async () => {
    fake = await kind.start();
    fake.refuse();
    const error = await expectProviderError(fake.client(kind.defaultKey).generate(providerRequest(), { signal: signal() }), 'refused');
    expect(error.refusal).toBe(kind.refusal);
    expect(error.message).toBe(REFUSAL_TEXT_BY_REASON[kind.refusal]);
  });
});
