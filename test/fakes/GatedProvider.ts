import { OfflineProvider } from '../../src/core/providers/offline.js';
import type { ImageProvider, ProviderCallOptions, ProviderRequest, ProviderResult } from '../../src/core/providers/types.js';

/**
 * The real offline renderer behind a gate the test opens call by call, so a job can be held
 * "in flight" for as long as a test needs, with no timers. Aborts are honoured (shutdown).
 */
export class GatedProvider implements ImageProvider {
  readonly id = 'offline' as const;
  readonly calls: ProviderRequest[] = [];
  readonly #inner = new OfflineProvider();
  readonly #waiting: (() => void)[] = [];
  readonly #callWaiters: { count: number; resolve: () => void }[] = [];
  #credit = 0;

  /** Lets the oldest waiting call (or the next one to come) through. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#credit += 1;
  }

  /** Resolves once `count` calls have reached the provider. */
  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#callWaiters.push({ count, resolve }));
  }

  async generate(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResult> {
    this.calls.push(request);
    for (const waiter of [...this.#callWaiters]) {
      if (this.calls.length >= waiter.count) {
        this.#callWaiters.splice(this.#callWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    // Like the real providers: a call made after its job was aborted (shutdown while references were
    // prepared) fails at once instead of waiting at a gate no abort event will open.
    options.signal.throwIfAborted();
    if (this.#credit > 0) this.#credit -= 1;
    else await this.#gate(options.signal);
    return this.#inner.generate(request, options);
  }

  #gate(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const open = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(open), 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(open);
    });
  }
}
