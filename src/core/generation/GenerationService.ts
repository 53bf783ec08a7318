import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Catalog } from '../catalog/types.js';
import type { Clock } from '../clock.js';
import type { CreditService } from '../credits/CreditService.js';
import { DeliveryService, type Redeliver } from '../delivery/DeliveryService.js';
import type { ImageSpool } from '../delivery/ImageSpool.js';
import type { JobService } from '../jobs/JobService.js';
import type { InstanceRegistry } from '../jobs/InstanceRegistry.js';
import type { Job } from '../model.js';
import type { PriceTable } from '../pricing/defaultPrices.js';
import type { ImageProvider } from '../providers/types.js';
import { Scheduler } from '../scheduler/Scheduler.js';
import { Admission, refuse } from './Admission.js';
import { JobEvents } from './JobEvents.js';
import { JobExecutor } from './JobExecutor.js';
import { JobFailures } from './JobFailures.js';
import { jobLog } from './jobLog.js';
import { JobRecovery } from './JobRecovery.js';
import type { GenerationLimits } from './limits.js';
import { nullObserver, type GenerationObserver } from './observer.js';
import type { PendingJob } from './PendingJob.js';
import type { RunSlots } from './RunSlots.js';
import { Shutdown } from './Shutdown.js';
import type { GenerationIntent, JobListener, SubmitOutcome } from './types.js';

export interface GenerationServiceOptions {
  readonly credits: CreditService;
  readonly jobs: JobService;
  readonly provider: ImageProvider;
  readonly catalog: Catalog;
  readonly prices: PriceTable;
  readonly limits: GenerationLimits;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly observer?: GenerationObserver;
  /** Where produced images wait for the platform's confirmation. */
  readonly spool: ImageSpool;
  /** This process among those sharing the database: it owns the jobs admitted here. */
  readonly instances: InstanceRegistry;
  /** The limits held across processes (provider key, account). */
  readonly slots: RunSlots;
  /** For image downloads; tests pass one that reaches their fake servers. */
  readonly dispatcher?: Dispatcher;
  /**
   * The origins `dispatcher` lets reach private and local addresses; references to local address
   * literals outside them are refused at submit (see {@link Admission}).
   */
  readonly fetchAllowOrigins?: ReadonlySet<string>;
}

/**
 * The product's heart (DESIGN §3 steps 2–8) and the engine's one entry point: a request is admitted
 * ({@link Admission}: validated, priced, its credits held), queued on the {@link Scheduler}, run by
 * the {@link JobExecutor} (references, provider call, downloads) and handed to the
 * {@link DeliveryService}, which settles the credits once the platform confirmed them; a job that
 * delivers nothing ends through {@link JobFailures}. Start-up recovery is {@link JobRecovery}, the
 * bounded stop {@link Shutdown}. Adapters call it through the facade and render the {@link JobEvent}s.
 */
export class GenerationService {
  readonly catalog: Catalog;
  readonly #o: GenerationServiceOptions;
  readonly #observer: GenerationObserver;
  readonly #scheduler: Scheduler;
  readonly #events: JobEvents;
  readonly #delivery: DeliveryService;
  readonly #admission: Admission;
  readonly #failures: JobFailures;
  readonly #executor: JobExecutor;
  readonly #recovery: JobRecovery;
  readonly #shutdown: Shutdown;
  readonly #pending = new Map<string, PendingJob>();

  constructor(options: GenerationServiceOptions) {
    this.#o = options;
    this.catalog = options.catalog;
    const { limits, logger } = options;
    const observer = options.observer ?? nullObserver;
    const events = new JobEvents(logger);
    const forget = (jobId: string): void => this.#forget(jobId);
    const holds = (jobId: string): boolean => this.#pending.has(jobId);
    this.#observer = observer;
    this.#events = events;
    this.#delivery = new DeliveryService({ credits: options.credits, jobs: options.jobs, spool: options.spool, events, observer, onSettled: forget });
    this.#admission = new Admission({
      catalog: options.catalog,
      prices: options.prices,
      credits: options.credits,
      clock: options.clock,
      owner: options.instances.id,
      queueLimits: { account: limits.userQueueLimit, all: limits.queueLimit },
      waitingHere: (accountKey) => ({ account: this.#scheduler.waitingOf(accountKey), all: this.#scheduler.depth }),
      maxReferenceDownloadBytes: limits.maxReferenceDownloadBytes,
      fetchAllowOrigins: options.fetchAllowOrigins,
    });
    this.#recovery = new JobRecovery({ jobs: options.jobs, delivery: this.#delivery, instances: options.instances, logger, holds });
    this.#failures = new JobFailures({ credits: options.credits, events, observer, logger, onEnded: forget });
    this.#executor = new JobExecutor({
      jobs: options.jobs,
      provider: options.provider,
      catalog: options.catalog,
      limits,
      logger,
      observer,
      dispatcher: options.dispatcher,
      events,
      delivery: this.#delivery,
      failures: this.#failures,
      slots: options.slots,
      holds,
      queueDepth: () => this.#scheduler.depth,
    });
    this.#scheduler = new Scheduler(
      {
        concurrency: limits.providerConcurrency,
        perUser: limits.userConcurrency,
        queueLimit: limits.queueLimit,
        perUserQueueLimit: limits.userQueueLimit,
      },
      { onPosition: (id, position) => this.#onPosition(id, position) },
    );
    this.#shutdown = new Shutdown({
      scheduler: this.#scheduler,
      delivery: this.#delivery,
      pending: this.#pending,
      settled: () => this.settled(),
      interrupt: (jobId) => this.#failures.end(jobId, 'interrupted'),
      logger,
    });
  }

  /** Jobs waiting to start. */
  get queueDepth(): number {
    return this.#scheduler.depth;
  }

  /** Whether new jobs are accepted (false once shutdown began). */
  get accepting(): boolean {
    return !this.#shutdown.begun;
  }

  /** Listens to every job's events (for adapters that deliver by destination rather than by call). */
  subscribe(listener: JobListener): () => void {
    return this.#events.subscribe(listener);
  }

  /**
   * Checks, prices and queues a request. Refusals are returned, not thrown, and move no credits.
   * The same idempotency key returns the job it already made.
   * @param listener - receives this job's events, starting with `queued`.
   */
  async submit(intent: GenerationIntent, listener?: JobListener): Promise<SubmitOutcome> {
    const existing = await this.#o.jobs.byIdempotencyKey(intent.idempotencyKey);
    if (existing) return this.#duplicate(existing, listener);
    if (this.#shutdown.begun) return refuse('shutting_down');
    const checked = this.#admission.check(intent);
    if ('code' in checked) return { ok: false, refusal: checked };
    const room = this.#scheduler.room(intent.accountKey);
    if (room !== 'ok') return refuse(room);
    const held = await this.#admission.hold(intent, checked);
    // Shutdown may have begun while the hold was written: the job is released, not queued.
    if (held.ok && !held.duplicate && this.#shutdown.begun) {
      await this.#failures.end(held.job.id, 'interrupted');
      return refuse('shutting_down');
    }
    if (!held.ok) return held;
    if (held.duplicate) return this.#duplicate(held.job, listener);
    return this.#enqueue({ job: held.job, request: checked, references: intent.references, controller: new AbortController(), position: undefined }, listener);
  }

  /** Cancels a job that has not started; its hold is released. False when it had started or ended. */
  async cancel(jobId: string): Promise<boolean> {
    if (!this.#scheduler.cancel(jobId)) return false;
    this.#observer.queueDepth(this.#scheduler.depth);
    await this.#failures.end(jobId, 'cancelled');
    return true;
  }

  /**
   * Recovery of queued and running jobs dead processes left behind: they are failed as
   * `interrupted` (a delivering CLI job as `undelivered`) and their holds released, each exactly
   * once however many processes sweep; returns those this call released so adapters can tell their
   * owners. A job is an orphan when the instance that owns it is gone: its lease ran out, or its
   * process is seen dead on this host ({@link InstanceRegistry.sweep}); jobs of live processes go
   * on. `scope: 'all'` (a bot) takes every orphan except delivering chat jobs, which
   * {@link recoverDeliveries} delivers; `scope: 'cli'` (a CLI run, which cannot tell chat users)
   * takes only CLI jobs.
   */
  recoverInterrupted(scope: 'all' | 'cli' = 'all'): Promise<Job[]> {
    return this.#recovery.recoverInterrupted(scope);
  }

  /**
   * Delivers what a dead bot process left `delivering`, from the spool, through `redeliver`
   * (the adapters, connected by then); captures what the platform took and releases the rest (a
   * job whose images are in another machine's spool is released undelivered). At start-up
   * (`sweepSpool`), leftover spool folders of settled jobs are removed too. Returns the jobs
   * released undelivered.
   */
  async recoverDeliveries(redeliver: Redeliver, options: { sweepSpool?: boolean } = {}): Promise<Job[]> {
    return this.#recovery.recoverDeliveries(redeliver, options.sweepSpool ?? true);
  }

  /** Resolves once every job taken so far has run and its delivery was answered (or left at a shutdown). */
  async settled(): Promise<void> {
    await this.#scheduler.idle();
    await this.#delivery.idle();
  }

  /**
   * Stops taking jobs and lets running jobs finish and deliver within `graceMs` in all. At the
   * deadline, jobs still at the provider are aborted and settled as `interrupted` (holds released);
   * deliveries still in flight are left `delivering`, their images in the spool, for the next start
   * to deliver — so a result is either posted and charged, or never charged.
   */
  async shutdown(graceMs: number): Promise<void> {
    await this.#shutdown.run(graceMs);
  }

  async #enqueue(pending: PendingJob, listener: JobListener | undefined): Promise<SubmitOutcome> {
    const { job } = pending;
    this.#pending.set(job.id, pending);
    this.#events.listen(job.id, listener);
    const queued = this.#scheduler.enqueue(job.id, job.accountKey, () => this.#executor.run(pending));
    if (!queued.ok) {
      // The queue filled while the hold was written (room() was asked before it): released.
      await this.#failures.end(job.id, 'cancelled');
      return refuse(queued.reason);
    }
    pending.position = queued.position;
    this.#observer.queueDepth(this.#scheduler.depth);
    jobLog(this.#o.logger, job).info({ status: 'queued', cost: job.cost, position: queued.position }, 'job queued');
    this.#events.emit({ type: 'queued', job, position: queued.position });
    return { ok: true, job, duplicate: false, position: queued.position };
  }

  #duplicate(job: Job, listener: JobListener | undefined): SubmitOutcome {
    if (this.#pending.has(job.id)) this.#events.listen(job.id, listener);
    return { ok: true, job, duplicate: true, position: this.#scheduler.position(job.id) ?? 0 };
  }

  #onPosition(id: string, position: number): void {
    const pending = this.#pending.get(id);
    if (pending?.position === undefined || pending.position === position) return;
    pending.position = position;
    if (this.#events.heard(id)) this.#events.emit({ type: 'position', job: pending.job, position });
  }

  #forget(jobId: string): void {
    this.#pending.delete(jobId);
    this.#events.forget(jobId);
  }
}
