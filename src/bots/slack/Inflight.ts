import { setTimeout as delay } from 'node:timers/promises';

/**
 * Work the adapter started and must let finish before it disconnects (handlers still talking to
 * Slack, results still uploading). Each piece of work has its own timeouts, so waiting is bounded.
 */
export class Inflight {
  readonly #running = new Set<Promise<unknown>>();

  /** Runs `work`, remembering it until it settles. Rejections are the caller's to handle. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.#running.add(promise);
    const forget = (): void => {
      this.#running.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.#running.size;
  }

  /**
   * Resolves once everything running now (and anything it starts meanwhile) has settled, or at
   * `deadline` (a `performance.now()` time) when given.
   */
  async drain(deadline?: number): Promise<void> {
    while (this.#running.size > 0) {
      const left = deadline === undefined ? undefined : deadline - performance.now();
      if (left !== undefined && left <= 0) return;
      const settled = Promise.allSettled([...this.#running]);
      if (left === undefined) {
        await settled;
        continue;
      }
      const cap = new AbortController();
      await Promise.race([settled, delay(left, undefined, { signal: cap.signal, ref: false }).catch(() => undefined)]);
      cap.abort();
    }
  }
}
