import type { Logger } from 'pino';
import type { JobEvent, JobListener } from './types.js';

/**
 * Who hears a job's events: the listener given at submit (the surface that asked), any added by a
 * repeated submit, and subscribers to every job (adapters that deliver by destination).
 */
export class JobEvents {
  readonly #logger: Logger;
  readonly #byJob = new Map<string, Set<JobListener>>();
  readonly #subscribers = new Set<JobListener>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Listens to every job's events; returns the function that stops it. */
  subscribe(listener: JobListener): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** Adds a listener to one job (until {@link forget}). */
  listen(jobId: string, listener: JobListener | undefined): void {
    if (!listener) return;
    const set = this.#byJob.get(jobId);
    if (set) set.add(listener);
    else this.#byJob.set(jobId, new Set([listener]));
  }

  /** Whether anybody would hear this job's events. */
  heard(jobId: string): boolean {
    return this.#subscribers.size > 0 || (this.#byJob.get(jobId)?.size ?? 0) > 0;
  }

  /** Drops the job's own listeners once it has ended. */
  forget(jobId: string): void {
    this.#byJob.delete(jobId);
  }

  emit(event: JobEvent): void {
    const own = this.#byJob.get(event.job.id) ?? [];
    for (const listener of [...own, ...this.#subscribers]) {
      try {
        listener(event);
      } catch (error) {
        // A rendering bug in one adapter must not break the job or the other listeners.
        this.#logger.error({ err: error, jobId: event.job.id, event: event.type }, 'job listener threw');
      }
    }
  }
}
