import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProviderErrorKind } from '../core/errorCodes.js';
import type { GenerationObserver } from '../core/generation/observer.js';
import type { Job } from '../core/model.js';

const PREFIX = 'nano_imagine_';

/**
 * Prometheus metrics for one app, on its own registry (so tests and several apps in one process do
 * not collide). Implements the core's observer port; credits held is read from the database on scrape.
 */
export class Metrics implements GenerationObserver {
  readonly registry = new Registry();
  readonly #jobs: Counter<'platform' | 'provider' | 'status'>;
  readonly #jobDuration: Histogram<'platform' | 'provider' | 'status'>;
  readonly #providerDuration: Histogram<'provider' | 'outcome'>;
  readonly #outputDuration: Histogram<'provider'>;
  readonly #queueDepth: Gauge;
  readonly #captured: Counter;
  readonly #providerErrors: Counter<'kind'>;

  constructor(options: { creditsHeld: () => Promise<number>; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    this.#jobs = new Counter({
      name: `${PREFIX}jobs_total`,
      help: 'Jobs finished, by platform, provider and final status.',
      labelNames: ['platform', 'provider', 'status'],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: `${PREFIX}job_duration_seconds`,
      help: 'Time from a job starting to its settlement.',
      labelNames: ['platform', 'provider', 'status'],
      buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.#providerDuration = new Histogram({
      name: `${PREFIX}provider_request_duration_seconds`,
      help: 'Duration of one provider call attempt.',
      labelNames: ['provider', 'outcome'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
      registers,
    });
    this.#outputDuration = new Histogram({
      name: `${PREFIX}output_download_duration_seconds`,
      help: 'Time to download one result image from the provider.',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#queueDepth = new Gauge({ name: `${PREFIX}queue_depth`, help: 'Jobs waiting to start.', registers });
    new Gauge({
      name: `${PREFIX}credits_held`,
      help: 'Credits on hold for unfinished jobs, over all accounts.',
      registers,
      async collect() {
        this.set(await options.creditsHeld());
      },
    });
    this.#captured = new Counter({ name: `${PREFIX}credits_captured_total`, help: 'Credits charged for delivered images.', registers });
    this.#providerErrors = new Counter({
      name: `${PREFIX}provider_errors_total`,
      help: 'Failed provider call attempts, by kind.',
      labelNames: ['kind'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  jobFinished(job: Job, durationMs: number): void {
    const labels = { platform: job.platform, provider: job.provider, status: job.status };
    this.#jobs.inc(labels);
    this.#jobDuration.observe(labels, durationMs / 1000);
  }

  providerCall(provider: string, durationMs: number, errorKind: ProviderErrorKind | undefined): void {
    this.#providerDuration.observe({ provider, outcome: errorKind ? 'error' : 'ok' }, durationMs / 1000);
    if (errorKind) this.#providerErrors.inc({ kind: errorKind });
  }

  outputDownloaded(provider: string, durationMs: number): void {
    this.#outputDuration.observe({ provider }, durationMs / 1000);
  }

  queueDepth(depth: number): void {
    this.#queueDepth.set(depth);
  }

  creditsCaptured(amount: number): void {
    if (amount > 0) this.#captured.inc(amount);
  }
}
