import type { Timers } from '../../../src/bots/discord/timers.js';

/** Timers that move only when a test says so (no sleeps): `advance` runs what falls due, in order. */
export class ManualTimers implements Timers {
  #now = Date.now();
  #next = 0;
  readonly #tasks = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const id = ++this.#next;
    this.#tasks.set(id, { at: this.#now + ms, fn });
    return () => this.#tasks.delete(id);
  }

  /** Moves time forward, running every task that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#tasks.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
    }
    this.#now = end;
  }

  get pending(): number {
    return this.#tasks.size;
  }
}
