import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DeliveryService, Redeliver } from '../delivery/DeliveryService.js';
import type { JobService } from '../jobs/JobService.js';
import type { Job } from '../model.js';
import { jobLog } from './jobLog.js';

export interface JobRecoveryOptions {
  readonly jobs: Pick<JobService, 'recoverInterrupted' | 'unsettled'>;
  readonly delivery: Pick<DeliveryService, 'recover' | 'sweepSpool'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether this process holds the job: it runs or delivers it itself, so it is no orphan. */
  readonly holds: (jobId: string) => boolean;
}

/**
 * Start-up recovery of the jobs a dead process left behind: queued and running ones are released
 * as interrupted, delivering ones are delivered from the spool. Which jobs count as orphans is
 * documented on {@link GenerationService.recoverInterrupted} and {@link GenerationService.recoverDeliveries}.
 */
export class JobRecovery {
  readonly #o: JobRecoveryOptions;

  constructor(options: JobRecoveryOptions) {
    this.#o = options;
  }

  /** Fails the orphaned queued and running jobs in `scope` and releases their holds; returns them. */
  recoverInterrupted(scope: 'all' | 'cli'): Job[] {
    const now = this.#o.clock.now();
    const jobs = this.#o.jobs.recoverInterrupted((job) => {
      if (this.#o.holds(job.id)) return false;
      if (job.platform === 'cli') return (job.leaseUntil ?? 0) < now;
      return scope === 'all' && job.status !== 'delivering';
    });
    for (const job of jobs) {
      jobLog(this.#o.logger, job).warn({ status: job.status, errorCode: job.errorCode, released: job.cost }, 'job interrupted by restart');
    }
    return jobs;
  }

  /** Delivers orphaned chat jobs left `delivering`, then sweeps the spool; returns the jobs released undelivered. */
  async recoverDeliveries(redeliver: Redeliver): Promise<Job[]> {
    const unsettled = this.#o.jobs.unsettled();
    const orphans = unsettled.filter((job) => job.status === 'delivering' && job.platform !== 'cli' && !this.#o.holds(job.id));
    const released = await this.#o.delivery.recover(orphans, redeliver, this.#o.logger);
    // Read again, not derived from the first read: a CLI process beside the bot may have started
    // delivering meanwhile, and its images must stay.
    const delivering = new Set(this.#o.jobs.unsettled().filter((j) => j.status === 'delivering').map((j) => j.id));
    await this.#o.delivery.sweepSpool((jobId) => delivering.has(jobId));
    return released;
  }
}
