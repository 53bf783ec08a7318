import { systemClock, type Clock } from '../../core/clock.js';

/**
 * Remembers ids recently seen (trigger ids of shortcuts), so a delivery Slack repeats because it
 * thinks the first was not acked is handled once. Bounded in time and size.
 */
export class Once {
  readonly #seen = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #clock: Clock;

  constructor(options: { ttlMs?: number; max?: number; clock?: Clock } = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#max = options.max ?? 10_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** True the first time `id` is seen within the time window, false for repeats. */
  first(id: string): boolean {
    const now = this.#clock.now();
    const until = this.#seen.get(id);
    if (until !== undefined && until > now) return false;
    // Re-inserted at the end, so the map stays ordered by expiry.
    this.#seen.delete(id);
    this.#seen.set(id, now + this.#ttlMs);
    // Entries are in insertion order, oldest first.
    for (const [key, expiry] of this.#seen) {
      if (this.#seen.size <= this.#max && expiry > now) break;
      this.#seen.delete(key);
    }
    return true;
  }
}
