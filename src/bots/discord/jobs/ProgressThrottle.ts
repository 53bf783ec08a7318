import type { Clock } from '../../../core/clock.js';

/**
 * Passes progress text on at most once per interval, counting from `startedAt` (the deferral, which
 * is the first thing the user sees): updates within an interval are coalesced into the latest, sent
 * when the interval ends. A job that finishes within the first interval needs no progress edit.
 */
export class ProgressThrottle {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #send: (text: string) => void;
  #lastAt: number;
  #lastText: string | undefined;
  #pending: string | undefined;
  #cancel: (() => void) | undefined;
  #stopped = false;

  constructor(clock: Clock, intervalMs: number, send: (text: string) => void, startedAt = Number.NEGATIVE_INFINITY) {
    this.#clock = clock;
    this.#lastAt = startedAt;
    this.#intervalMs = intervalMs;
    this.#send = send;
  }

  update(text: string): void {
    if (this.#stopped) return;
    const wait = this.#lastAt + this.#intervalMs - this.#clock.now();
    if (wait <= 0 && this.#cancel === undefined) {
      this.#emit(text);
      return;
    }
    this.#pending = text;
    this.#cancel ??= this.#clock.after(Math.max(0, wait), () => {
      this.#cancel = undefined;
      const next = this.#pending;
      this.#pending = undefined;
      if (next !== undefined && !this.#stopped) this.#emit(next);
    });
  }

  /** Drops anything pending; nothing is sent after this. */
  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#pending = undefined;
  }

  #emit(text: string): void {
    if (text === this.#lastText) return;
    this.#lastAt = this.#clock.now();
    this.#lastText = text;
    this.#send(text);
  }
}
