import type { CreditService } from '../credits/CreditService.js';
import { requireCount } from '../credits/validation.js';
import { platformOf } from '../credits/accountKey.js';
import { JOB_FAILURE_TEXT } from '../userText.js';
import type { Clock } from '../clock.js';
import type { Job } from '../model.js';
import type { Store } from '../storePorts.js';

/** Filter for {@link JobService.history}. */
export interface JobHistoryFilter {
  /** Only this account's jobs. @defaultValue every account */
  readonly accountKey?: string;
  /** @defaultValue 20 */
  readonly limit?: number;
}

const MAX_LIST = 1000;

/**
 * Jobs as records: looking them up, listing them, marking one as running, and recovering the ones a
 * dead process left unfinished. Credit movements stay with {@link CreditService}; recovery asks it
 * to release.
 */
export class JobService {
  readonly #store: Store;
  readonly #credits: CreditService;
  readonly #clock: Clock;

  constructor(options: { store: Store; credits: CreditService; clock: Clock }) {
    this.#store = options.store;
    this.#credits = options.credits;
    this.#clock = options.clock;
  }

  byId(id: string): Job | undefined {
    return this.#store.jobs.find(id);
  }

  /** The job a platform action already made (its idempotency key), if any. */
  byIdempotencyKey(key: string): Job | undefined {
    return this.#store.jobs.findByIdempotencyKey(key);
  }

  /** Jobs, newest first, optionally of one account. */
  history(filter: JobHistoryFilter = {}): Job[] {
    const limit = requireCount(filter.limit ?? 20, 'The limit', 1, MAX_LIST);
    if (filter.accountKey === undefined) return this.#store.jobs.list({ limit });
    platformOf(filter.accountKey);
    return this.#store.jobs.list({ accountKey: filter.accountKey, limit });
  }

  /** queued → running; returns the job as it now is, or undefined when it was no longer queued. */
  markRunning(id: string): Job | undefined {
    return this.#store.jobs.markRunning(id, this.#clock.now());
  }

  /**
   * Settles unfinished jobs a dead process left queued or running as `interrupted`, releasing their
   * holds, in one transaction. Returns those jobs (now settled) so the adapters can tell their users.
   * @param orphaned - which unfinished jobs to take; every one when omitted.
   */
  recoverInterrupted(orphaned: (job: Job) => boolean = () => true): Job[] {
    return this.#store.transaction(() =>
      this.#store.jobs
        .unsettled()
        .filter(orphaned)
        .map(
          (job) =>
            this.#credits.settle(job.id, {
              delivered: 0,
              status: 'interrupted',
              errorCode: 'interrupted',
              errorMessage: JOB_FAILURE_TEXT.interrupted,
            }).job,
        ),
    );
  }
}
