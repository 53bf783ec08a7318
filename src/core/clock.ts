/**
 * Time as the product sees it, injected everywhere (core, adapters) so tests move it by hand instead
 * of sleeping. Durations of work are measured on the monotonic clock; this one stamps rows and
 * schedules timeouts.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `fn` after `ms`; returns a function that cancels it. Does not keep the process alive unless
   * `keepAlive` (work that is under way waits on it, like a job waiting for a slot).
   */
  after(ms: number, fn: () => void, options?: { keepAlive?: boolean }): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn, options) {
    const timer = setTimeout(fn, ms);
    // A pending timeout (a progress edit, a form's expiry) is no reason to keep the process running.
    if (!options?.keepAlive) timer.unref();
    return () => clearTimeout(timer);
  },
};
