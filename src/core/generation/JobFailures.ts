import type { Logger } from 'pino';
import type { CreditService } from '../credits/CreditService.js';
import type { SettleResult } from '../credits/types.js';
import type { JobFailureCode } from '../errorCodes.js';
import { ProviderError } from '../errors.js';
import type { Account, Job } from '../model.js';
import { describeFailure, JOB_FAILURE_TEXT } from '../userText.js';
import type { JobEvents } from './JobEvents.js';
import { jobLog } from './jobLog.js';
import type { GenerationObserver } from './observer.js';

export interface JobFailuresOptions {
  readonly credits: Pick<CreditService, 'settle' | 'account'>;
  readonly events: Pick<JobEvents, 'emit'>;
  readonly observer: GenerationObserver;
  readonly logger: Logger;
  /** Called once a job has been announced as ended; the engine forgets it. */
  readonly onEnded: (jobId: string) => void;
}

/**
 * The ends of jobs that deliver nothing — failed, cancelled, interrupted, or settled by another
 * process: each is settled with its whole hold released (unless that happened already) and
 * announced to its listeners as `failed`, with what was refunded.
 */
export class JobFailures {
  readonly #o: JobFailuresOptions;

  constructor(options: JobFailuresOptions) {
    this.#o = options;
  }

  /** A job that ran and produced nothing deliverable: `failed`, with the failure's code and text. */
  async fail(job: Job, failure: unknown, durationMs: number, log: Logger): Promise<void> {
    const { code, message } = describeFailure(failure);
    const settled = await this.#o.credits.settle(job.id, { delivered: 0, status: 'failed', errorCode: code, errorMessage: message });
    if (!settled.settled) return this.settledElsewhere(settled.job);
    this.#o.observer.jobFinished(settled.job, durationMs);
    log.warn({ status: 'failed', durationMs, errorCode: code, err: failure }, 'job failed');
    const retryAfterMs = failure instanceof ProviderError ? failure.retryAfterMs : undefined;
    this.#announceFailure(settled, code, message, retryAfterMs);
  }

  /** Ends a job that did not run to the provider (cancelled, or interrupted by shutdown): all released. */
  async end(jobId: string, code: 'cancelled' | 'interrupted'): Promise<void> {
    const message = JOB_FAILURE_TEXT[code];
    const settled = await this.#o.credits.settle(jobId, { delivered: 0, status: code, errorCode: code, errorMessage: message });
    if (!settled.settled) return;
    jobLog(this.#o.logger, settled.job).warn({ status: code, errorCode: code, released: settled.released }, `job ${code}`);
    this.#announceFailure(settled, code, message, undefined);
  }

  /**
   * Another process settled this job while it ran here (its start-up recovery took it for a dead
   * process's job). The credits were released there; tell the listeners so nobody waits forever.
   */
  async settledElsewhere(job: Job): Promise<void> {
    const account = await this.#o.credits.account(job.accountKey);
    if (!account) return;
    const code = job.errorCode ?? 'interrupted';
    jobLog(this.#o.logger, job).warn({ status: job.status, errorCode: code }, 'job settled by another process');
    this.#announce(job, account, code, job.errorMessage ?? JOB_FAILURE_TEXT.interrupted, job.cost - job.captured, undefined);
  }

  #announceFailure(settled: Extract<SettleResult, { settled: true }>, code: JobFailureCode, message: string, retryAfterMs: number | undefined): void {
    this.#announce(settled.job, settled.account, code, message, settled.released, retryAfterMs);
  }

  #announce(job: Job, account: Account, code: JobFailureCode, message: string, refunded: number, retryAfterMs: number | undefined): void {
    this.#o.events.emit({ type: 'failed', job, code, message, refunded, account, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    this.#o.onEnded(job.id);
  }
}
