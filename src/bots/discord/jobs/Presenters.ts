import { setTimeout as delay } from 'node:timers/promises';
import { JobPresenter, type PresenterDeps, type PresenterTarget } from './JobPresenter.js';

/** The presenters of jobs still being shown, so that stopping can let their last messages out. */
export class Presenters {
  readonly #deps: PresenterDeps;
  readonly #active = new Set<JobPresenter>();

  constructor(deps: PresenterDeps) {
    this.#deps = deps;
  }

  create(target: PresenterTarget): JobPresenter {
    const presenter = new JobPresenter(this.#deps, target, () => this.#active.delete(presenter));
    this.#active.add(presenter);
    return presenter;
  }

  /** Waits until every presenter has sent what it has, or `limitMs` passed. */
  async drain(limitMs: number): Promise<void> {
    const pending = [...this.#active].map((p) => p.idle());
    if (pending.length === 0) return;
    const cap = new AbortController();
    await Promise.race([Promise.allSettled(pending), delay(limitMs, undefined, { signal: cap.signal, ref: false }).catch(() => undefined)]);
    cap.abort();
  }
}
