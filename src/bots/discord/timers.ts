/**
 * Time as the Discord adapter sees it: injected so tests can move it by hand (progress throttling,
 * the 15-minute interaction token) instead of sleeping.
 */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. Must not keep the process alive. */
  after(ms: number, fn: () => void): () => void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    // A pending progress edit is never a reason to keep the process running.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
