import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Catalog } from '../catalog/types.js';
import type { DeliveryService } from '../delivery/DeliveryService.js';
import { AppError, ProviderError } from '../errors.js';
import type { JobService } from '../jobs/JobService.js';
import type { Job } from '../model.js';
import type { ImageProvider } from '../providers/types.js';
import { JOB_FAILURE_TEXT } from '../userText.js';
import type { JobEvents } from './JobEvents.js';
import type { JobFailures } from './JobFailures.js';
import { jobLog } from './jobLog.js';
import type { GenerationLimits } from './limits.js';
import type { GenerationObserver } from './observer.js';
import type { PendingJob } from './PendingJob.js';
import { ProviderRunner } from './ProviderRunner.js';
import { prepareReferences } from './references.js';
import type { RunSlots } from './RunSlots.js';
import type { OutputImage } from './types.js';

export interface JobExecutorOptions {
  readonly jobs: Pick<JobService, 'markRunning' | 'byId'>;
  readonly provider: ImageProvider;
  readonly catalog: Catalog;
  readonly limits: GenerationLimits;
  readonly logger: Logger;
  readonly observer: GenerationObserver;
  /** For image downloads; tests pass one that reaches their fake servers. */
  readonly dispatcher?: Dispatcher | undefined;
  readonly events: Pick<JobEvents, 'emit'>;
  readonly delivery: Pick<DeliveryService, 'offer'>;
  readonly failures: Pick<JobFailures, 'fail' | 'settledElsewhere'>;
  /** The limits held across processes: taken before the job starts, given back once the provider is done. */
  readonly slots: Pick<RunSlots, 'acquire' | 'release'>;
  /** Whether this process still holds the job (it was not settled and forgotten meanwhile). */
  readonly holds: (jobId: string) => boolean;
  /** Jobs waiting to start, reported to the observer as one starts. */
  readonly queueDepth: () => number;
}

/** What a run produced: the images that came back, and why the others did not. */
interface Produced {
  readonly images: readonly OutputImage[];
  readonly failure: unknown;
}

/**
 * Runs a job the scheduler started (DESIGN §3 steps 5–7): marks it running, prepares its
 * references, calls the provider, downloads the results and offers them to the
 * {@link DeliveryService}; a job that produced nothing is failed through {@link JobFailures}.
 */
export class JobExecutor {
  readonly #o: JobExecutorOptions;
  readonly #runner: ProviderRunner;

  constructor(options: JobExecutorOptions) {
    this.#o = options;
    const { limits } = options;
    this.#runner = new ProviderRunner({
      provider: options.provider,
      catalog: options.catalog,
      observer: options.observer,
      concurrency: limits.providerConcurrency,
      timeoutMs: limits.providerTimeoutMs,
      retry: limits.retry,
      maxOutputBytes: limits.maxOutputBytes,
      downloadTimeoutMs: limits.downloadTimeoutMs,
      dispatcher: options.dispatcher,
    });
  }

  async run(pending: PendingJob): Promise<void> {
    // Running from the moment this process takes it: `queued` in the database means waiting in a
    // scheduler's queue, which is what the queue limits count over every process.
    const job = await this.#start(pending);
    if (!job) return;
    const log = jobLog(this.#o.logger, job);
    // Durations use the monotonic clock; the injected clock stamps rows.
    const started = performance.now();
    try {
      await this.#o.slots.acquire(job, pending.controller.signal);
    } catch (error) {
      if (pending.controller.signal.aborted) return; // Shutdown settled it while it waited for a slot.
      await this.#o.failures.fail(job, error, Math.round(performance.now() - started), log);
      return;
    }
    // The slots cover the provider call only: they are given back as soon as it answers, and the
    // next job starts while this one downloads its images.
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => (released ??= this.#o.slots.release(job.id));
    let produced: Produced;
    try {
      produced = await this.#produce(pending, log, release);
    } finally {
      await release();
    }
    if (pending.controller.signal.aborted) return; // Shutdown settled this job as interrupted already.
    const durationMs = Math.round(performance.now() - started);
    if (produced.images.length > 0) await this.#offer(pending, job, produced.images, durationMs, log);
    else await this.#o.failures.fail(job, produced.failure, durationMs, log);
  }

  /** Hands the images to the deliverer; the job settles when it answers. */
  async #offer(pending: PendingJob, job: Job, images: readonly OutputImage[], durationMs: number, log: Logger): Promise<void> {
    let offered: boolean;
    try {
      offered = await this.#o.delivery.offer(job, images, durationMs, log, {
        provider: job.provider,
        model: job.model,
        unitCost: job.unitCost,
        notice: job.notice,
      });
    } catch (error) {
      // The images could not be kept (disk full, spool not writable): nothing is charged.
      log.error({ err: error }, 'could not keep the images for delivery');
      await this.#o.failures.fail(job, new AppError('internal', 'could not spool the images', { cause: error }), durationMs, log);
      return;
    }
    // Marked only once offered: while the images are being spooled, a shutdown deadline still
    // interrupts the job (released), and the offer then finds it no longer running.
    if (offered) pending.delivering = true;
    if (offered || pending.controller.signal.aborted) return;
    const settled = await this.#o.jobs.byId(job.id);
    if (settled && this.#o.holds(settled.id)) await this.#o.failures.settledElsewhere(settled);
  }

  /** queued → running, announced; undefined when the job was settled before it could start. */
  async #start(pending: PendingJob): Promise<Job | undefined> {
    const job = await this.#o.jobs.markRunning(pending.job.id);
    if (!job) {
      // Settled before it could start (shut down, or recovered by another process).
      const settled = await this.#o.jobs.byId(pending.job.id);
      if (settled && this.#o.holds(settled.id)) await this.#o.failures.settledElsewhere(settled);
      return undefined;
    }
    this.#o.observer.queueDepth(this.#o.queueDepth());
    jobLog(this.#o.logger, job).info({ status: 'running', model: job.model, count: pending.request.count }, 'job started');
    this.#o.events.emit({ type: 'started', job });
    return job;
  }

  /** References prepared, the provider called, the results downloaded: what came back and why not. */
  async #produce(pending: PendingJob, log: Logger, generated: () => Promise<void>): Promise<Produced> {
    const { signal } = pending.controller;
    try {
      const references = await prepareReferences(pending.references, {
        maxDownloadBytes: this.#o.limits.maxReferenceDownloadBytes,
        maxReferenceBytes: this.#o.catalog.maxReferenceBytes,
        timeoutMs: this.#o.limits.downloadTimeoutMs,
        signal,
        dispatcher: this.#o.dispatcher,
      });
      // A shutdown during the reference downloads: the provider is not called for a settled job.
      signal.throwIfAborted();
      const produced = await this.#runner.generate(pending.request, references, signal, log);
      // Not awaited here: a failure to give the slots back is the caller's, after the downloads.
      const giveBack = generated();
      giveBack.catch(() => undefined);
      const images = await this.#runner.download(produced.images, signal, log);
      await giveBack;
      const failure = produced.firstError ?? (images.length === 0 ? new ProviderError('bad_response', this.#o.provider.id, JOB_FAILURE_TEXT.no_output) : undefined);
      return { images, failure };
    } catch (error) {
      return { images: [], failure: error };
    }
  }
}
