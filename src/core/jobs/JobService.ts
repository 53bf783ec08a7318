import type { CreditService } from '../credits/CreditService.js';
import { requireCount } from '../credits/validation.js';
import { platformOf } from '../credits/accountKey.js';
import { JOB_FAILURE_TEXT } from '../userText.js';
import type { Clock } from '../clock.js';
import type { Job, StoredOutput } from '../model.js';
import type { ServedBy, Store } from '../storePorts.js';

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

  byId(id: string): Promise<Job | undefined> {
    return this.#store.jobs.find(id);
  }

  /** The job a platform action already made (its idempotency key), if any. */
  byIdempotencyKey(key: string): Promise<Job | undefined> {
    return this.#store.jobs.findByIdempotencyKey(key);
  }

  /** Jobs, newest first, optionally of one account. */
  history(filter: JobHistoryFilter = {}): Promise<Job[]> {
    const limit = requireCount(filter.limit ?? 20, 'The limit', 1, MAX_LIST);
    if (filter.accountKey === undefined) return this.#store.jobs.list({ limit });
    platformOf(filter.accountKey);
    return this.#store.jobs.list({ accountKey: filter.accountKey, limit });
  }

  /** queued → running; returns the job as it now is, or undefined when it was no longer queued. */
  markRunning(id: string): Promise<Job | undefined> {
    return this.#store.jobs.markRunning(id, this.#clock.now());
  }

  /** running → delivering with what was produced and who produced it; undefined when it was no longer running. */
  markDelivering(id: string, outputs: readonly StoredOutput[], served: ServedBy): Promise<Job | undefined> {
    return this.#store.jobs.markDelivering(id, outputs, served);
  }

  /** Queued, running and delivering jobs, oldest first. */
  unsettled(): Promise<Job[]> {
    return this.#store.jobs.unsettled();
  }

  /**
   * Settles unfinished jobs a dead process left behind, releasing their holds, each exactly once
   * (another process sweeping at the same moment settles none of them twice): queued and running
   * ones as `interrupted`, delivering ones (whose images nobody will post now) as `undelivered`.
   * Returns the jobs this call settled, so the adapters can tell their users.
   * @param orphaned - which unfinished jobs to take; every one when omitted.
   */
  async recoverInterrupted(orphaned: (job: Job) => boolean = () => true): Promise<Job[]> {
    const released: Job[] = [];
    for (const job of (await this.#store.jobs.unsettled()).filter(orphaned)) {
      const code = job.status === 'delivering' ? 'undelivered' : 'interrupted';
      const status = code === 'undelivered' ? 'failed' : 'interrupted';
      const settled = await this.#credits.settle(job.id, { delivered: 0, status, errorCode: code, errorMessage: JOB_FAILURE_TEXT[code] });
      if (settled.settled) released.push(settled.job);
    }
    return released;
  }
}
