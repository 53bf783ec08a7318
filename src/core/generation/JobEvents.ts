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
  /** Events (and forgets, which must come after the events before them) not yet told. */
  readonly #queue: (JobEvent | { readonly forget: string })[] = [];
  #emitting = false;

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

  /** Drops the job's own listeners once it has ended (after they heard what was emitted before). */
  forget(jobId: string): void {
    this.#run({ forget: jobId });
  }

  /**
   * Tells the job's listeners, then the subscribers. An event emitted while listeners are being
   * told (a deliverer confirming inside its `ready` handler) waits its turn, so every listener hears
   * every job's events in the order they happened.
   */
  emit(event: JobEvent): void {
    this.#run(event);
  }

  #run(item: JobEvent | { readonly forget: string }): void {
    this.#queue.push(item);
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        if ('forget' in next) this.#byJob.delete(next.forget);
        else this.#tell(next);
      }
    } finally {
      this.#emitting = false;
    }
  }

  #tell(event: JobEvent): void {
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
