import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Catalog } from '../catalog/types.js';
import type { Clock } from '../clock.js';
import type { CreditService } from '../credits/CreditService.js';
import { AppError, ImageError, ProviderError, ValidationError } from '../errors.js';
import type { PriceTable } from '../pricing/defaultPrices.js';
import type { RetryPolicy } from '../providers/retry.js';
import type { ImageProvider } from '../providers/types.js';
import { Scheduler } from '../scheduler/Scheduler.js';
import type { Account, Job, StoredOutput } from '../model.js';
import { nullObserver, type GenerationObserver } from './observer.js';
import { ProviderRunner } from './ProviderRunner.js';
import { checkDeclaredReferences, describeReference, prepareReferences } from './references.js';
import { resolveRequest } from './resolveRequest.js';
import type {
  GenerationIntent,
  JobEvent,
  JobListener,
  OutputImage,
  ReferenceSource,
  Refusal,
  ResolvedRequest,
  SubmitOutcome,
} from './types.js';
import { describeFailure } from './userMessages.js';

/** Limits and timings of the engine; defaults are declared once below. */
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
}

export interface GenerationServiceOptions {
  readonly credits: CreditService;
  readonly provider: ImageProvider;
  readonly catalog: Catalog;
  readonly prices: PriceTable;
  readonly limits: GenerationLimits;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly observer?: GenerationObserver;
  /** For image downloads; tests pass one that reaches their fake servers. */
  readonly dispatcher?: Dispatcher;
}

interface Pending {
  readonly job: Job;
  readonly references: readonly ReferenceSource[];
  readonly listeners: Set<JobListener>;
  readonly controller: AbortController;
  announced: boolean;
  /** The place last told to listeners. */
  position: number;
}

const REFUSAL_MESSAGES = {
  queue_full: 'The bot is busy right now (the queue is full). Try again in a few minutes.',
  user_busy: 'You already have several images waiting. Wait for them to finish, then try again.',
  shutting_down: 'The bot is restarting. Try again in a minute.',
} as const;

/**
 * The product's heart (DESIGN §3 steps 2–8): validates and prices a request, holds its credits,
 * queues it, runs it at the provider, downloads the results and settles the credits exactly once.
 * Adapters call {@link submit} and render the {@link JobEvent}s.
 */
export class GenerationService {
  readonly catalog: Catalog;
  readonly #o: GenerationServiceOptions;
  readonly #observer: GenerationObserver;
  readonly #scheduler: Scheduler;
  readonly #runner: ProviderRunner;
  readonly #pending = new Map<string, Pending>();
  readonly #subscribers = new Set<JobListener>();
  #closing = false;

  constructor(options: GenerationServiceOptions) {
    this.#o = options;
    this.catalog = options.catalog;
    this.#observer = options.observer ?? nullObserver;
    const { limits } = options;
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
  }

  /**
   * The longest a CLI job can live: every image's provider calls one after another, each attempt
   * to its timeout, plus ten minutes for downloads and settling. A CLI process runs its one job at once.
   */
  get cliJobLeaseMs(): number {
    const { providerTimeoutMs, retry } = this.#o.limits;
    return this.catalog.maxCount * providerTimeoutMs * (retry.retries + 1) + 10 * 60_000;
  }

  /** Jobs waiting to start. */
  get queueDepth(): number {
    return this.#scheduler.depth;
  }

  /** Whether new jobs are accepted (false once shutdown began). */
  get accepting(): boolean {
    return !this.#closing;
  }

  /** Listens to every job's events (for adapters that deliver by destination rather than by call). */
  subscribe(listener: JobListener): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /**
   * Checks, prices and queues a request. Refusals are returned, not thrown, and move no credits.
   * The same idempotency key returns the job it already made.
   * @param listener - receives this job's events, starting with `queued`.
   */
  submit(intent: GenerationIntent, listener?: JobListener): SubmitOutcome {
    const existing = this.#o.credits.job(intent.idempotencyKey, 'idempotency');
    if (existing) return this.#duplicate(existing, listener);
    if (this.#closing) return refuse({ code: 'shutting_down', message: REFUSAL_MESSAGES.shutting_down });

    let request: ResolvedRequest;
    try {
      request = resolveRequest(this.catalog, this.#o.prices, intent.prompt, intent.options, intent.references.length);
      checkDeclaredReferences(intent.references, this.#o.limits.maxReferenceDownloadBytes);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof ImageError) {
        return refuse({ code: 'invalid_request', message: error.message });
      }
      throw error;
    }

    const room = this.#scheduler.room(intent.accountKey);
    if (room !== 'ok') return refuse({ code: room, message: REFUSAL_MESSAGES[room] });

    const now = this.#o.clock.now();
    const held = this.#o.credits.hold({
      idempotencyKey: intent.idempotencyKey,
      accountKey: intent.accountKey,
      platform: intent.platform,
      displayName: intent.displayName,
      destination: intent.destination,
      kind: intent.kind,
      parentId: intent.parentId ?? null,
      request: {
        prompt: request.prompt,
        model: request.model,
        aspectRatio: request.aspectRatio,
        resolution: request.resolution,
        count: request.count,
        references: intent.references.map(describeReference),
      },
      provider: this.catalog.provider,
      model: request.providerModel,
      unitCost: request.unitCost,
      cost: request.cost,
      createdAt: now,
    });
    if (!held.ok) {
      return refuse({
        code: 'insufficient_credits',
        balance: held.balance,
        cost: held.cost,
        message: `Not enough credits: this costs ${held.cost} and you have ${held.balance}.`,
      });
    }
    if (held.duplicate) return this.#duplicate(held.job, listener);

    const job = held.job;
    const pending: Pending = {
      job,
      references: intent.references,
      listeners: new Set(listener ? [listener] : []),
      controller: new AbortController(),
      announced: false,
      position: 0,
    };
    this.#pending.set(job.id, pending);
    const queued = this.#scheduler.enqueue(job.id, job.accountKey, () => this.#run(job.id, request));
    if (!queued.ok) {
      // Unreachable after room(): submit runs synchronously. Kept so a hold can never leak.
      this.#pending.delete(job.id);
      this.#o.credits.settle(job.id, { delivered: 0, status: 'cancelled', errorCode: queued.reason });
      return refuse({ code: queued.reason, message: REFUSAL_MESSAGES[queued.reason] });
    }
    pending.announced = true;
    pending.position = queued.position;
    this.#observer.queueDepth(this.#scheduler.depth);
    this.#jobLog(job).info({ status: 'queued', cost: job.cost, position: queued.position }, 'job queued');
    this.#emit(job.id, { type: 'queued', job, position: queued.position });
    return { ok: true, job, duplicate: false, position: queued.position };
  }

  /** Cancels a job that has not started; its hold is released. */
  cancel(jobId: string): boolean {
    if (!this.#scheduler.cancel(jobId)) return false;
    const settled = this.#o.credits.settle(jobId, {
      delivered: 0,
      status: 'cancelled',
      errorCode: 'cancelled',
      errorMessage: 'Cancelled before it started.',
    });
    this.#observer.queueDepth(this.#scheduler.depth);
    if (settled.settled) this.#finishFailed(settled.job, 'cancelled', 'Cancelled before it started.', settled);
    return true;
  }

  /**
   * Recovery, run by the bot at start-up and then every minute: jobs a dead process left queued or
   * running are failed as `interrupted` and their holds released; returns them so adapters can tell
   * their owners. Chat jobs belong to the bot, so any this process is not running are orphans. CLI
   * jobs belong to `nano-imagine generate` processes running beside it: they are taken only once
   * older than any live job can be ({@link cliJobLeaseMs}), i.e. when their process died.
   */
  recoverInterrupted(): Job[] {
    const oldestLiveCliJob = this.#o.clock.now() - this.cliJobLeaseMs;
    const jobs = this.#o.credits.recoverInterrupted(
      (job) => !this.#pending.has(job.id) && (job.platform !== 'cli' || job.createdAt < oldestLiveCliJob),
    );
    for (const job of jobs) {
      this.#jobLog(job).warn({ status: 'interrupted', errorCode: 'interrupted', released: job.cost }, 'job interrupted by restart');
    }
    return jobs;
  }

  /**
   * Stops taking jobs, lets running ones finish within `graceMs`, then aborts what is left; every
   * unfinished job is settled as `interrupted` with its hold released.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#closing = true;
    for (const id of this.#scheduler.close()) this.#interrupt(id);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([this.#scheduler.idle().then(() => 'idle' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const [id, pending] of this.#pending) {
        pending.controller.abort(new AppError('interrupted', 'Shutting down'));
        this.#interrupt(id);
      }
      await this.#scheduler.idle();
    }
  }

  #interrupt(jobId: string): void {
    const message = 'The bot restarted before this job finished; your credits were returned.';
    const settled = this.#o.credits.settle(jobId, {
      delivered: 0,
      status: 'interrupted',
      errorCode: 'interrupted',
      errorMessage: message,
    });
    if (settled.settled) this.#finishFailed(settled.job, 'interrupted', message, settled);
  }

  #duplicate(job: Job, listener: JobListener | undefined): SubmitOutcome {
    const pending = this.#pending.get(job.id);
    if (pending && listener) pending.listeners.add(listener);
    return { ok: true, job, duplicate: true, position: this.#scheduler.position(job.id) ?? 0 };
  }

  #onPosition(id: string, position: number): void {
    const pending = this.#pending.get(id);
    if (!pending?.announced || pending.position === position) return;
    pending.position = position;
    if (pending.listeners.size === 0 && this.#subscribers.size === 0) return;
    this.#emit(id, { type: 'position', job: pending.job, position });
  }

  async #run(jobId: string, request: ResolvedRequest): Promise<void> {
    const pending = this.#pending.get(jobId);
    const credits = this.#o.credits;
    if (!pending) return;
    if (!credits.markRunning(jobId)) {
      // Settled before it could start (cancelled here, or recovered by another process).
      const job = credits.job(jobId);
      if (job && this.#pending.has(jobId)) this.#settledElsewhere(job);
      return;
    }
    // Durations use the monotonic clock; the injected clock stamps rows.
    const started = performance.now();
    const job = credits.job(jobId)!;
    const log = this.#jobLog(job);
    this.#observer.queueDepth(this.#scheduler.depth);
    log.info({ status: 'running', model: job.model, count: request.count }, 'job started');
    this.#emit(jobId, { type: 'started', job });
    const signal = pending.controller.signal;

    let images: OutputImage[] = [];
    let failure: unknown;
    try {
      const references = await prepareReferences(pending.references, {
        maxDownloadBytes: this.#o.limits.maxReferenceDownloadBytes,
        maxReferenceBytes: this.catalog.maxReferenceBytes,
        timeoutMs: this.#o.limits.downloadTimeoutMs,
        signal,
        dispatcher: this.#o.dispatcher,
      });
      const produced = await this.#runner.generate(request, references, signal, log);
      images = await this.#runner.download(produced.images, signal, log);
      failure = produced.firstError;
      if (images.length === 0) failure ??= new ProviderError('bad_response', this.#o.provider.id, 'No usable image came back.');
    } catch (error) {
      failure = error;
    }

    if (signal.aborted) return; // Shutdown settled this job as interrupted already.
    const durationMs = Math.round(performance.now() - started);
    if (images.length > 0) {
      const outputs: StoredOutput[] = images.map(({ name, mime, bytes, width, height }) => ({
        name,
        mime,
        bytes: bytes.length,
        width,
        height,
      }));
      const settled = credits.settle(jobId, { delivered: images.length, status: 'succeeded', outputs });
      if (!settled.settled) return this.#settledElsewhere(settled.job);
      this.#observer.creditsCaptured(settled.captured);
      this.#observer.jobFinished(settled.job, durationMs);
      log.info(
        { status: 'succeeded', durationMs, delivered: images.length, captured: settled.captured, released: settled.released },
        'job finished',
      );
      this.#emit(jobId, { type: 'succeeded', job: settled.job, images, account: settled.account, durationMs });
      this.#pending.delete(jobId);
      return;
    }

    const { code, message } = describeFailure(failure);
    const settled = credits.settle(jobId, { delivered: 0, status: 'failed', errorCode: code, errorMessage: message });
    if (!settled.settled) return this.#settledElsewhere(settled.job);
    this.#observer.jobFinished(settled.job, durationMs);
    log.warn({ status: 'failed', durationMs, errorCode: code, err: failure }, 'job failed');
    this.#finishFailed(settled.job, code, message, settled);
  }

  /**
   * Another process settled this job while it ran here (its start-up recovery took it for a dead
   * process's job). The credits were released there; tell the listeners so nobody waits forever.
   */
  #settledElsewhere(job: Job): void {
    const account = this.#o.credits.account(job.accountKey);
    if (!account) return;
    const message = job.errorMessage ?? 'This job was stopped before it finished; your credits were returned.';
    this.#finishFailed(job, job.errorCode ?? 'interrupted', message, { released: job.cost - job.captured, account });
  }

  #finishFailed(job: Job, errorCode: string, message: string, settled: { released: number; account: Account }): void {
    if (job.status !== 'failed') {
      // Failures of a running job are logged with their cause in #run; these are the others.
      this.#jobLog(job).warn({ status: job.status, errorCode, released: settled.released }, `job ${job.status}`);
    }
    this.#emit(job.id, { type: 'failed', job, errorCode, message, refunded: settled.released, account: settled.account });
    this.#pending.delete(job.id);
  }

  /** One child logger per job: every transition line carries these fields. */
  #jobLog(job: Job): Logger {
    return this.#o.logger.child({ jobId: job.id, platform: job.platform, account: job.accountKey, provider: job.provider });
  }

  #emit(jobId: string, event: JobEvent): void {
    const pending = this.#pending.get(jobId);
    for (const listener of [...(pending?.listeners ?? []), ...this.#subscribers]) {
      try {
        listener(event);
      } catch (error) {
        // A rendering bug in one adapter must not break the job or the other listeners.
        this.#o.logger.error({ err: error, jobId, event: event.type }, 'job listener threw');
      }
    }
  }
}

function refuse(refusal: Refusal): SubmitOutcome {
  return { ok: false, refusal };
}
