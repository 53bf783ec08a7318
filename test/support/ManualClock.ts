import type { Clock } from '../../src/core/clock.js';

/** A clock that moves only when a test says so (no sleeps): `advance` runs what falls due, in order. */
export class ManualClock implements Clock {
  time: number;
  #next = 0;
  readonly #tasks = new Map<number, { at: number; fn: () => void }>();

  constructor(time = Date.now()) {
    this.time = time;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): () => void {
    const id = ++this.#next;
    this.#tasks.set(id, { at: this.time + ms, fn });
    return () => this.#tasks.delete(id);
  }

  /** Moves time forward, running every task that falls due on the way. */
  advance(ms = 1): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.#tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#tasks.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = end;
  }

  /**
   * Moves time forward `step` at a time, letting what each step set off (an asynchronous lease
   * renewal that schedules the next one) run before the next step: a process that stays alive.
   */
  async advanceLive(ms: number, step = 1000): Promise<void> {
    for (let left = ms; left > 0; left -= step) {
      this.advance(Math.min(step, left));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Tasks waiting to fall due. */
  get pending(): number {
    return this.#tasks.size;
  }
}
