import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Catalog } from '../catalog/types.js';
import type { Clock } from '../clock.js';
import type { CreditService } from '../credits/CreditService.js';
import type { SettleResult } from '../credits/types.js';
import { DeliveryService, type Redeliver } from '../delivery/DeliveryService.js';
import type { ImageSpool } from '../delivery/ImageSpool.js';
import type { JobFailureCode } from '../errorCodes.js';
import { AppError, ProviderError } from '../errors.js';
import { describeFailure, JOB_FAILURE_TEXT } from '../userText.js';
import type { JobService } from '../jobs/JobService.js';
import { LeaseKeeper } from '../jobs/LeaseKeeper.js';
import type { Account, Job } from '../model.js';
import type { PriceTable } from '../pricing/defaultPrices.js';
import type { RetryPolicy } from '../providers/retry.js';
import type { ImageProvider } from '../providers/types.js';
import { Scheduler } from '../scheduler/Scheduler.js';
import { Admission, refuse } from './Admission.js';
import { JobEvents } from './JobEvents.js';
import { jobLog } from './jobLog.js';
import { JobRecovery } from './JobRecovery.js';
import { nullObserver, type GenerationObserver } from './observer.js';
import { ProviderRunner } from './ProviderRunner.js';
import { prepareReferences } from './references.js';
import { Shutdown } from './Shutdown.js';
import type { GenerationIntent, JobListener, OutputImage, ReferenceSource, ResolvedRequest, SubmitOutcome } from './types.js';

/** Limits and timings of the engine; defaults are declared once, in the composition. */
export interface GenerationLimits {
  /** Jobs at the provider at once (also the cap on concurrent provider calls). */
  readonly providerConcurrency: number;
  /** Running jobs per account. */
  readonly userConcurrency: number;
  /** Waiting jobs in all. */
  readonly queueLimit: number;
  /** Waiting jobs per account. */
  readonly userQueueLimit: number;
  /** Per provider call. */
  readonly providerTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** Largest reference download before it is refused (it is then re-encoded to the provider's limit). */
  readonly maxReferenceDownloadBytes: number;
  /** Largest output download. */
  readonly maxOutputBytes: number;
  /** Per image download. */
  readonly downloadTimeoutMs: number;
  /** How long a job's lease lasts without renewal (see {@link LeaseKeeper}). */
  readonly leaseMs: number;
}

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
  /** For image downloads; tests pass one that reaches their fake servers. */
  readonly dispatcher?: Dispatcher;
}

/** A job this process holds credits for and will run. */
interface Pending {
  readonly job: Job;
  readonly request: ResolvedRequest;
  readonly references: readonly ReferenceSource[];
  readonly controller: AbortController;
  /** The place last told to listeners; undefined until the job was announced as queued. */
  position: number | undefined;
  /** Its images were offered to the deliverer; the delivery service settles it. */
  delivering?: boolean;
}

/** What a run produced: the images that came back, and why the others did not. */
interface Produced {
  readonly images: readonly OutputImage[];
  readonly failure: unknown;
}

/**
 * The product's heart (DESIGN §3 steps 2–8): validates and prices a request, holds its credits,
 * queues it, runs it at the provider, downloads the results and hands them to the
 * {@link DeliveryService}, which settles the credits once the platform confirmed them. Adapters call
 * it through the facade and render the {@link JobEvent}s.
 */
export class GenerationService {
  readonly catalog: Catalog;
  readonly #o: GenerationServiceOptions;
  readonly #observer: GenerationObserver;
  readonly #scheduler: Scheduler;
  readonly #runner: ProviderRunner;
  readonly #events: JobEvents;
  readonly #delivery: DeliveryService;
  readonly #leases: LeaseKeeper;
  readonly #admission: Admission;
  readonly #recovery: JobRecovery;
  readonly #shutdown: Shutdown;
  readonly #pending = new Map<string, Pending>();

  constructor(options: GenerationServiceOptions) {
    this.#o = options;
    this.catalog = options.catalog;
    this.#observer = options.observer ?? nullObserver;
    this.#events = new JobEvents(options.logger);
    this.#delivery = new DeliveryService({
      credits: options.credits,
      jobs: options.jobs,
      spool: options.spool,
      events: this.#events,
      observer: this.#observer,
      onSettled: (jobId) => this.#forget(jobId),
    });
    const { limits } = options;
    this.#leases = new LeaseKeeper({ jobs: options.jobs, clock: options.clock, leaseMs: limits.leaseMs, held: () => [...this.#pending.keys()], logger: options.logger });
    this.#admission = new Admission({
      catalog: options.catalog,
      prices: options.prices,
      credits: options.credits,
      clock: options.clock,
      leases: this.#leases,
      maxReferenceDownloadBytes: limits.maxReferenceDownloadBytes,
    });
    this.#recovery = new JobRecovery({
      jobs: options.jobs,
      delivery: this.#delivery,
      clock: options.clock,
      logger: options.logger,
      holds: (jobId) => this.#pending.has(jobId),
    });
    this.#runner = new ProviderRunner({
      provider: options.provider,
      catalog: options.catalog,
      observer: this.#observer,
      concurrency: limits.providerConcurrency,
      timeoutMs: limits.providerTimeoutMs,
      retry: limits.retry,
      maxOutputBytes: limits.maxOutputBytes,
      downloadTimeoutMs: limits.downloadTimeoutMs,
      dispatcher: options.dispatcher,
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
      leases: this.#leases,
      pending: this.#pending,
      settled: () => this.settled(),
      interrupt: (jobId) => this.#end(jobId, 'interrupted'),
      logger: options.logger,
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
  submit(intent: GenerationIntent, listener?: JobListener): SubmitOutcome {
    const existing = this.#o.jobs.byIdempotencyKey(intent.idempotencyKey);
    if (existing) return this.#duplicate(existing, listener);
    if (this.#shutdown.begun) return refuse('shutting_down');
    const checked = this.#admission.check(intent);
    if ('code' in checked) return { ok: false, refusal: checked };
    const room = this.#scheduler.room(intent.accountKey);
    if (room !== 'ok') return refuse(room);
    const held = this.#admission.hold(intent, checked);
    if (!held.ok) return held;
    if (held.duplicate) return this.#duplicate(held.job, listener);
    return this.#enqueue({ job: held.job, request: checked, references: intent.references, controller: new AbortController(), position: undefined }, listener);
  }

  /** Cancels a job that has not started; its hold is released. False when it had started or ended. */
  cancel(jobId: string): boolean {
    if (!this.#scheduler.cancel(jobId)) return false;
    this.#observer.queueDepth(this.#scheduler.depth);
    this.#end(jobId, 'cancelled');
    return true;
  }

  /**
   * Recovery of queued and running jobs a dead process left behind: they are failed as
   * `interrupted` (a delivering CLI job as `undelivered`) and their holds released; returns them so
   * adapters can tell their owners. Chat jobs belong to the bot, so with `scope: 'all'` (the bot)
   * any this process does not hold is an orphan — except delivering ones, which
   * {@link recoverDeliveries} delivers. CLI jobs belong to `nano-imagine generate` processes: they
   * are taken once their lease ran out, i.e. their process died. `scope: 'cli'` (a CLI start) takes
   * only those.
   */
  recoverInterrupted(scope: 'all' | 'cli' = 'all'): Job[] {
    return this.#recovery.recoverInterrupted(scope);
  }

  /**
   * Delivers what a dead bot process left `delivering`, from the spool, through `redeliver`
   * (the adapters, connected by then); captures what the platform took and releases the rest.
   * Leftover spool folders of settled jobs are removed. Returns the jobs released undelivered.
   */
  async recoverDeliveries(redeliver: Redeliver): Promise<Job[]> {
    return this.#recovery.recoverDeliveries(redeliver);
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

  #enqueue(pending: Pending, listener: JobListener | undefined): SubmitOutcome {
    const { job } = pending;
    this.#pending.set(job.id, pending);
    this.#leases.start();
    this.#events.listen(job.id, listener);
    const queued = this.#scheduler.enqueue(job.id, job.accountKey, () => this.#run(pending));
    if (!queued.ok) {
      // Unreachable after room(): submit runs synchronously. Kept so a hold can never leak.
      this.#end(job.id, 'cancelled');
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

  async #run(pending: Pending): Promise<void> {
    const job = this.#start(pending);
    if (!job) return;
    // Durations use the monotonic clock; the injected clock stamps rows.
    const started = performance.now();
    const log = jobLog(this.#o.logger, job);
    const produced = await this.#produce(pending, log);
    if (pending.controller.signal.aborted) return; // Shutdown settled this job as interrupted already.
    const durationMs = Math.round(performance.now() - started);
    if (produced.images.length > 0) await this.#offer(pending, job, produced.images, durationMs, log);
    else this.#fail(job, produced.failure, durationMs, log);
  }

  /** Hands the images to the deliverer; the job settles when it answers. */
  async #offer(pending: Pending, job: Job, images: readonly OutputImage[], durationMs: number, log: Logger): Promise<void> {
    pending.delivering = true;
    let offered: boolean;
    try {
      offered = await this.#delivery.offer(job, images, durationMs, log);
    } catch (error) {
      // The images could not be kept (disk full, spool not writable): nothing is charged.
      pending.delivering = false;
      log.error({ err: error }, 'could not keep the images for delivery');
      this.#fail(job, new AppError('internal', 'could not spool the images', { cause: error }), durationMs, log);
      return;
    }
    if (offered || pending.controller.signal.aborted) return;
    const settled = this.#o.jobs.byId(job.id);
    if (settled && this.#pending.has(settled.id)) this.#settledElsewhere(settled);
  }

  /** queued → running, announced; undefined when the job was settled before it could start. */
  #start(pending: Pending): Job | undefined {
    const job = this.#o.jobs.markRunning(pending.job.id);
    if (!job) {
      // Settled before it could start (recovered by another process).
      const settled = this.#o.jobs.byId(pending.job.id);
      if (settled && this.#pending.has(settled.id)) this.#settledElsewhere(settled);
      return undefined;
    }
    this.#observer.queueDepth(this.#scheduler.depth);
    jobLog(this.#o.logger, job).info({ status: 'running', model: job.model, count: pending.request.count }, 'job started');
    this.#events.emit({ type: 'started', job });
    return job;
  }

  /** References prepared, the provider called, the results downloaded: what came back and why not. */
  async #produce(pending: Pending, log: Logger): Promise<Produced> {
    const { signal } = pending.controller;
    try {
      const references = await prepareReferences(pending.references, {
        maxDownloadBytes: this.#o.limits.maxReferenceDownloadBytes,
        maxReferenceBytes: this.catalog.maxReferenceBytes,
        timeoutMs: this.#o.limits.downloadTimeoutMs,
        signal,
        dispatcher: this.#o.dispatcher,
      });
      const produced = await this.#runner.generate(pending.request, references, signal, log);
      const images = await this.#runner.download(produced.images, signal, log);
      const failure = produced.firstError ?? (images.length === 0 ? new ProviderError('bad_response', this.#o.provider.id, JOB_FAILURE_TEXT.no_output) : undefined);
      return { images, failure };
    } catch (error) {
      return { images: [], failure: error };
    }
  }

  #fail(job: Job, failure: unknown, durationMs: number, log: Logger): void {
    const { code, message } = describeFailure(failure);
    const settled = this.#o.credits.settle(job.id, { delivered: 0, status: 'failed', errorCode: code, errorMessage: message });
    if (!settled.settled) return this.#settledElsewhere(settled.job);
    this.#observer.jobFinished(settled.job, durationMs);
    log.warn({ status: 'failed', durationMs, errorCode: code, err: failure }, 'job failed');
    const retryAfterMs = failure instanceof ProviderError ? failure.retryAfterMs : undefined;
    this.#announceFailure(settled, code, message, retryAfterMs);
  }

  /** Ends a job that did not run to the provider (cancelled, or interrupted by shutdown): all released. */
  #end(jobId: string, code: 'cancelled' | 'interrupted'): void {
    const message = JOB_FAILURE_TEXT[code];
    const settled = this.#o.credits.settle(jobId, { delivered: 0, status: code, errorCode: code, errorMessage: message });
    if (!settled.settled) return;
    jobLog(this.#o.logger, settled.job).warn({ status: code, errorCode: code, released: settled.released }, `job ${code}`);
    this.#announceFailure(settled, code, message, undefined);
  }

  /**
   * Another process settled this job while it ran here (its start-up recovery took it for a dead
   * process's job). The credits were released there; tell the listeners so nobody waits forever.
   */
  #settledElsewhere(job: Job): void {
    const account = this.#o.credits.account(job.accountKey);
    if (!account) return;
    const code = job.errorCode ?? 'interrupted';
    jobLog(this.#o.logger, job).warn({ status: job.status, errorCode: code }, 'job settled by another process');
    this.#announce(job, account, code, job.errorMessage ?? JOB_FAILURE_TEXT.interrupted, job.cost - job.captured, undefined);
  }

  #announceFailure(settled: Extract<SettleResult, { settled: true }>, code: JobFailureCode, message: string, retryAfterMs: number | undefined): void {
    this.#announce(settled.job, settled.account, code, message, settled.released, retryAfterMs);
  }

  #announce(job: Job, account: Account, code: JobFailureCode, message: string, refunded: number, retryAfterMs: number | undefined): void {
    this.#events.emit({ type: 'failed', job, code, message, refunded, account, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    this.#forget(job.id);
  }

  #forget(jobId: string): void {
    this.#pending.delete(jobId);
    this.#events.forget(jobId);
  }
}
