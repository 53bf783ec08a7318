/**
 * Bounded retries for provider calls (DESIGN §3 step 6, STYLE habit 8): each attempt gets its own
 * timeout, only transient {@link ProviderError}s are retried, and the caller's cancellation wins.
 */
import { ProviderError } from '../errors.js';

/** How often and how patiently to retry. Passed in, never read from the environment here. */
export interface RetryPolicy {
  /** Attempts after the first one. `PROVIDER_RETRIES` in the configuration. */
  readonly retries: number;
  /** Delay before the first retry; doubles each time. */
  readonly baseDelayMs: number;
  /** Ceiling for one delay, including a server's `Retry-After`. */
  readonly maxDelayMs: number;
}

/**
 * Two retries (three attempts), 0.5 s then 1 s (each with jitter), never more than 8 s per wait.
 * @defaultValue `{ retries: 2, baseDelayMs: 500, maxDelayMs: 8000 }`
 */
export const defaultRetryPolicy = { retries: 2, baseDelayMs: 500, maxDelayMs: 8_000 } as const satisfies RetryPolicy;

/** The same number of retries with no waiting: for tests. */
export const noDelayRetryPolicy = { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } as const satisfies RetryPolicy;

/** What {@link RetryOptions.onRetry} is told before each wait. */
export interface RetryInfo {
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly error: ProviderError;
  /** How long we wait before the next attempt. */
  readonly delayMs: number;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Limit for one attempt (`PROVIDER_TIMEOUT_SECONDS` × 1000). */
  readonly timeoutMs: number;
  /** The caller's signal: once it aborts, nothing is retried and waiting stops. */
  readonly signal: AbortSignal;
  /** Called before each wait, e.g. to log or count the retry. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Source of jitter in [0, 1). @defaultValue `Math.random` */
  readonly random?: () => number;
}

/**
 * Runs `fn` until it succeeds, fails permanently or the retries are used up; rethrows the last error.
 *
 * Each attempt receives `AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])`. Retried: a
 * {@link ProviderError} whose `transient` is true (`unavailable`, `timeout`, `rate_limited`), unless
 * the caller's `signal` has aborted. Anything else (a permanent kind, a bug) is rethrown at once.
 * The wait is exponential with "equal jitter" (between half and all of `baseDelayMs × 2^n`, capped at
 * `maxDelayMs`); a `retryAfterMs` carried by the error (from `Retry-After`) lengthens it, still capped
 * at `maxDelayMs`. Aborting `signal` during the wait ends it and rethrows the last error.
 */
export async function withRetry<T>(
  fn: (attemptSignal: AbortSignal, attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, timeoutMs, signal } = options;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    try {
      return await fn(attemptSignal, attempt);
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.transient) throw error;
      if (signal.aborted || attempt > policy.retries) throw error;
      const delayMs = retryDelayMs(policy, attempt, error.retryAfterMs, random);
      options.onRetry?.({ attempt, error, delayMs });
      const waited = await sleep(delayMs, signal);
      if (!waited) throw error;
    }
  }
}

/**
 * The wait after failed attempt `attempt` (from 1): equal jitter on `baseDelayMs × 2^(attempt-1)`,
 * raised to `retryAfterMs` when given, never above `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (exponential / 2) * random();
  const wanted = Math.max(jittered, retryAfterMs ?? 0);
  return Math.round(Math.min(policy.maxDelayMs, wanted));
}

/** Waits `ms`; resolves `false` at once if `signal` aborts first. Uses the global timer so fake timers apply. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
