import type { Clock } from '../clock.js';
import type { Job } from '../model.js';
import type { SlotClaim, SlotStore } from '../storePorts.js';

export interface RunSlotsOptions {
  readonly slots: SlotStore;
  readonly clock: Clock;
  /** This process's instance id: a slot lives as long as its instance. */
  readonly owner: string;
  /** The provider key's pool (a fingerprint, never the key) and how many jobs it takes at once. */
  readonly providerPool: string;
  readonly providerConcurrency: number;
  readonly userConcurrency: number;
  /** How often a job waiting for a slot that another process holds looks again. */
  readonly pollMs: number;
}

/**
 * The limits that must hold across every process sharing the database: a provider key's
 * concurrency and an account's running jobs, as slots leased in the database. The in-process
 * scheduler already keeps this process within them (and fair between users); a job it starts then
 * waits here until the database has room, looking again when this process frees a slot and every
 * {@link RunSlotsOptions.pollMs} for slots freed elsewhere.
 */
export class RunSlots {
  readonly #o: RunSlotsOptions;
  #wake = new Set<() => void>();

  constructor(options: RunSlotsOptions) {
    this.#o = options;
    // Slots freed by other processes wake the waiters too, where the engine can hear it.
    options.slots.watch?.(() => this.#wakeAll());
  }

  /** Resolves once the job holds its slots; rejects with the signal's reason when aborted first. */
  async acquire(job: Job, signal: AbortSignal): Promise<void> {
    const claims = this.#claims(job);
    for (;;) {
      signal.throwIfAborted();
      if (await this.#o.slots.acquire(claims, job.id, this.#o.owner, this.#o.clock.now())) return;
      await this.#wait(signal);
    }
  }

  /** Gives the job's slots back and wakes the jobs of this process waiting for one. */
  async release(jobId: string): Promise<void> {
    await this.#o.slots.release(jobId);
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiting = this.#wake;
    this.#wake = new Set();
    for (const wake of waiting) wake();
  }

  #claims(job: Job): SlotClaim[] {
    return [
      { pool: this.#o.providerPool, capacity: this.#o.providerConcurrency },
      { pool: `account:${job.accountKey}`, capacity: this.#o.userConcurrency },
    ];
  }

  #wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        this.#wake.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      // Kept alive: a CLI run whose job waits for another process's slot must not exit meanwhile.
      const cancel = this.#o.clock.after(this.#o.pollMs, done, { keepAlive: true });
      this.#wake.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
