import type { Logger } from 'pino';
import type { DeliveryService, Redeliver } from '../delivery/DeliveryService.js';
import type { InstanceRegistry } from '../jobs/InstanceRegistry.js';
import type { JobService } from '../jobs/JobService.js';
import type { Job } from '../model.js';
import { jobLog } from './jobLog.js';

export interface JobRecoveryOptions {
  readonly jobs: Pick<JobService, 'recoverInterrupted' | 'unsettled'>;
  readonly delivery: Pick<DeliveryService, 'recover' | 'sweepSpool'>;
  readonly instances: Pick<InstanceRegistry, 'sweep'>;
  readonly logger: Logger;
  /** Whether this process holds the job: it runs or delivers it itself, so it is no orphan. */
  readonly holds: (jobId: string) => boolean;
}

/**
 * Recovery of the jobs dead processes left behind: an unsettled job is an orphan when no live
 * instance owns it ({@link InstanceRegistry.sweep}). Queued and running orphans are released as
 * interrupted; delivering ones are delivered from the spool. Which process takes which orphans is
 * documented on {@link GenerationService.recoverInterrupted} and {@link GenerationService.recoverDeliveries}.
 */
export class JobRecovery {
  readonly #o: JobRecoveryOptions;

  constructor(options: JobRecoveryOptions) {
    this.#o = options;
  }

  /** Fails the orphaned queued and running jobs in `scope` and releases their holds; returns them. */
  async recoverInterrupted(scope: 'all' | 'cli'): Promise<Job[]> {
    const orphan = await this.#orphans();
    const jobs = await this.#o.jobs.recoverInterrupted((job) => {
      if (!orphan(job)) return false;
      if (job.platform === 'cli') return true;
      return scope === 'all' && job.status !== 'delivering';
    });
    for (const job of jobs) {
      jobLog(this.#o.logger, job).warn({ status: job.status, errorCode: job.errorCode, released: job.cost }, 'job interrupted by restart');
    }
    return jobs;
  }

  /**
   * Delivers orphaned chat jobs left `delivering`, then (at start-up) sweeps the spool; returns the
   * jobs released undelivered.
   */
  async recoverDeliveries(redeliver: Redeliver, sweepSpool: boolean): Promise<Job[]> {
    const orphan = await this.#orphans();
    const unsettled = await this.#o.jobs.unsettled();
    const orphans = unsettled.filter((job) => job.status === 'delivering' && job.platform !== 'cli' && orphan(job));
    const released = await this.#o.delivery.recover(orphans, redeliver, this.#o.logger);
    if (!sweepSpool) return released;
    // Read again, not derived from the first read: another process may have started delivering
    // meanwhile, and its images must stay.
    const delivering = new Set((await this.#o.jobs.unsettled()).filter((j) => j.status === 'delivering').map((j) => j.id));
    await this.#o.delivery.sweepSpool((jobId) => delivering.has(jobId));
    return released;
  }

  async #orphans(): Promise<(job: Job) => boolean> {
    const live = await this.#o.instances.sweep();
    return (job) => !this.#o.holds(job.id) && (job.owner === null || !live.has(job.owner));
  }
}
