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

  /** Resolves once everything running now (and anything it starts meanwhile) has settled. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
