import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderError } from '../../../src/core/errors.js';
import { NbapiProvider } from '../../../src/core/providers/nbapi.js';
import { NbproProvider } from '../../../src/core/providers/nbpro.js';
import { providerFailure } from '../../../src/core/providers/providerFailure.js';
import {
  defaultRetryPolicy,
  noDelayRetryPolicy,
  retryDelayMs,
  withRetry,
  type RetryInfo,
  type RetryPolicy,
} from '../../../src/core/providers/retry.js';
import { startNbapiServer, type FakeNbapiServer } from '../../fakes/nbapiServer.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { expectNoSecret, expectProviderError, providerRequest } from './fixtures.js';

const transient = (): ProviderError => providerFailure('unavailable', 'nbpro', { status: 500 });
const permanent = (): ProviderError => providerFailure('invalid_request', 'nbpro', { status: 400 });

describe('retryDelayMs', () => {
  const policy: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per attempt with equal jitter, capped', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 1, undefined, () => 0.999)).toBe(100);
    expect(retryDelayMs(policy, 2, undefined, () => 0)).toBe(100);
    expect(retryDelayMs(policy, 3, undefined, () => 1)).toBe(400);
    expect(retryDelayMs(policy, 10, undefined, () => 1)).toBe(1_000);
  });

  it('honours Retry-After, capped at maxDelayMs', () => {
    expect(retryDelayMs(policy, 1, 700, () => 0)).toBe(700);
    expect(retryDelayMs(policy, 1, 60_000, () => 0)).toBe(1_000);
    expect(retryDelayMs(policy, 4, 10, () => 1)).toBe(800);
  });

  it('is zero under the no-delay policy and bounded under the default one', () => {
    expect(retryDelayMs(noDelayRetryPolicy, 1, 5_000)).toBe(0);
    expect(defaultRetryPolicy.retries).toBe(2);
    expect(retryDelayMs(defaultRetryPolicy, 2, undefined, () => 1)).toBe(1_000);
  });
});

describe('withRetry (scripted attempts)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const options = { policy: noDelayRetryPolicy, timeoutMs: 5_000, signal: new AbortController().signal };

  it('retries transient errors and returns the first success', async () => {
    const fn = vi.fn<(signal: AbortSignal, attempt: number) => Promise<string>>();
    fn.mockRejectedValueOnce(transient()).mockRejectedValueOnce(transient()).mockResolvedValueOnce('ok');
    const seen: RetryInfo[] = [];
    await expect(withRetry(fn, { ...options, onRetry: (info) => seen.push(info) })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map((call) => call[1])).toEqual([1, 2, 3]);
    expect(seen.map((info) => [info.attempt, info.error.kind, info.delayMs])).toEqual([
      [1, 'unavailable', 0],
      [2, 'unavailable', 0],
    ]);
  });

  it('gives each attempt its own live signal', async () => {
    const signals: AbortSignal[] = [];
    const fn = (signal: AbortSignal): Promise<string> => {
      signals.push(signal);
      return signals.length < 2 ? Promise.reject(transient()) : Promise.resolve('ok');
    };
    await withRetry(fn, options);
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.every((s) => !s.aborted)).toBe(true);
  });

  it('rethrows the last error once the retries are used up', async () => {
    const errors = [transient(), transient(), transient()];
    let call = 0;
    const fn = (): Promise<never> => Promise.reject(errors[call++]!);
    await expect(withRetry(fn, options)).rejects.toBe(errors[2]);
    expect(call).toBe(3);
  });

  it('does not retry a permanent ProviderError or a non-provider error', async () => {
    const failPermanent = vi.fn(() => Promise.reject(permanent()));
    await expectProviderError(withRetry(failPermanent, options), 'invalid_request');
    expect(failPermanent).toHaveBeenCalledTimes(1);

    const bug = new TypeError('bug');
    const failBug = vi.fn(() => Promise.reject(bug));
    await expect(withRetry(failBug, options)).rejects.toBe(bug);
    expect(failBug).toHaveBeenCalledTimes(1);
  });

  it('waits the backoff between attempts (fake timers)', async () => {
    vi.useFakeTimers();
    const policy: RetryPolicy = { retries: 2, baseDelayMs: 1_000, maxDelayMs: 10_000 };
    const fn = vi.fn<() => Promise<string>>();
    fn.mockRejectedValueOnce(transient()).mockResolvedValueOnce('ok');
    const pending = withRetry(fn, { ...options, policy, random: () => 0 });
    await vi.advanceTimersByTimeAsync(499);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('waits as long as Retry-After asks, up to maxDelayMs (fake timers)', async () => {
    vi.useFakeTimers();
    const policy: RetryPolicy = { retries: 2, baseDelayMs: 10, maxDelayMs: 5_000 };
    const limited = providerFailure('rate_limited', 'nbapi', { status: 429, retryAfterMs: 3_000 });
    const fn = vi.fn<() => Promise<string>>();
    fn.mockRejectedValueOnce(limited).mockResolvedValueOnce('ok');
    const seen: number[] = [];
    const pending = withRetry(fn, { ...options, policy, onRetry: (info) => seen.push(info.delayMs) });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toBe('ok');
    expect(seen).toEqual([3_000]);
  });

  it('stops waiting when the caller aborts during the backoff and rethrows the last error', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const policy: RetryPolicy = { retries: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const error = transient();
    const fn = vi.fn(() => Promise.reject(error));
    const pending = withRetry(fn, { policy, timeoutMs: 5_000, signal: controller.signal });
    const settled = pending.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(settled).resolves.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not retry when the caller aborted during the attempt', async () => {
    const controller = new AbortController();
    const fn = vi.fn(() => {
      controller.abort();
      return Promise.reject(providerFailure('timeout', 'nbpro'));
    });
    await expectProviderError(withRetry(fn, { ...options, signal: controller.signal }), 'timeout');
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('withRetry against the fake nbpro server', () => {
  let server: FakeNbproServer;
  let provider: NbproProvider;

  beforeEach(async () => {
    server = await startNbproServer();
    provider = new NbproProvider({ apiKey: server.apiKey, baseUrl: server.url });
  });
  afterEach(async () => {
    await server.close();
  });

  const run = (signal: AbortSignal = new AbortController().signal, timeoutMs = 5_000) =>
    withRetry((attemptSignal) => provider.generate(providerRequest(), { signal: attemptSignal }), {
      policy: noDelayRetryPolicy,
      timeoutMs,
      signal,
    });

  it('retries a 500 and then succeeds', async () => {
    server.failTimes(2);
    const result = await run();
    expect(result.images).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the policy’s retries with the last error', async () => {
    server.failTimes(5);
    const error = await expectProviderError(run(), 'unavailable');
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    [400, 'invalid_request'],
    [401, 'auth'],
    [402, 'out_of_credits'],
  ] as const)('does not retry HTTP %i (%s)', async (status, kind) => {
    server.setMode({ kind: 'error', status });
    await expectProviderError(run(), kind);
    expect(server.requests).toHaveLength(1);
  });

  it('times each attempt out and retries it', async () => {
    server.setMode({ kind: 'hang' });
    const error = await expectProviderError(run(undefined, 200), 'timeout');
    expect(error.message).toBe('The image service took too long to answer. Try again later.');
    expect(server.requests).toHaveLength(3);
    expectNoSecret(error, server.apiKey);
  });

  it('recovers when a hanging attempt times out and the next one succeeds', async () => {
    server.enqueue({ kind: 'hang' });
    const result = await run(undefined, 200);
    expect(result.images).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry when the caller cancels', async () => {
    server.setMode({ kind: 'hang' });
    const controller = new AbortController();
    const pending = run(controller.signal);
    await server.waitForRequests(1);
    controller.abort();
    const error = await expectProviderError(pending, 'timeout');
    expect(error.providerMessage).toMatch(/cancelled/);
    expect(server.requests).toHaveLength(1);
  });

  it('honours a short Retry-After on a 429', async () => {
    server.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    const delays: number[] = [];
    const result = await withRetry((s) => provider.generate(providerRequest(), { signal: s }), {
      policy: { retries: 1, baseDelayMs: 0, maxDelayMs: 20 },
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      onRetry: (info) => delays.push(info.delayMs),
    });
    expect(result.images).toHaveLength(1);
    expect(delays).toEqual([20]);
    expect(server.requests).toHaveLength(2);
  });
});

describe('withRetry against the fake nbapi server', () => {
  let server: FakeNbapiServer;
  let provider: NbapiProvider;

  beforeEach(async () => {
    server = await startNbapiServer();
    provider = new NbapiProvider({ apiKey: server.apiKey, baseUrl: server.url });
  });
  afterEach(async () => {
    await server.close();
  });

  const run = () =>
    withRetry((signal) => provider.generate(providerRequest({ count: 2 }), { signal }), {
      policy: noDelayRetryPolicy,
      timeoutMs: 5_000,
      signal: new AbortController().signal,
    });

  it('retries a code-500 body and a 502 page, then succeeds', async () => {
    server.enqueue({ kind: 'error', code: 500, httpStatus: 200 }, { kind: 'text', status: 502, body: 'Bad Gateway' });
    const result = await run();
    expect(result.images).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry insufficient credits', async () => {
    server.setMode({ kind: 'error', code: 400, message: 'insufficient credits', httpStatus: 200 });
    await expectProviderError(run(), 'out_of_credits');
    expect(server.requests).toHaveLength(1);
  });
});
