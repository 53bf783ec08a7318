/**
 * Runs tasks one after another, in the order pushed: a job's messages (defer, progress edits, the
 * result) must reach Discord in order. A failing task is reported and the queue goes on.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  push(task: () => Promise<void>): void {
    this.#tail = this.#tail.then(task).catch(this.#onError);
  }

  /** Resolves once every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
