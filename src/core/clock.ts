/**
 * Time as the product sees it, injected everywhere (core, adapters) so tests move it by hand instead
 * of sleeping. Durations of work are measured on the monotonic clock; this one stamps rows and
 * schedules timeouts.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. Never keeps the process alive. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    // A pending timeout (a progress edit, a form's expiry) is never a reason to keep the process running.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
