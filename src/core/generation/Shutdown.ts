import type { Logger } from 'pino';
import type { DeliveryService } from '../delivery/DeliveryService.js';
import { AppError } from '../errors.js';
import type { Scheduler } from '../scheduler/Scheduler.js';
import type { PendingJob } from './PendingJob.js';

export interface ShutdownOptions {
  readonly scheduler: Pick<Scheduler, 'close'>;
  readonly delivery: Pick<DeliveryService, 'abandon'>;
  /** The jobs this process holds, by id. */
  readonly pending: ReadonlyMap<string, Pick<PendingJob, 'controller' | 'delivering'>>;
  /** Resolves once every job taken so far has run and its delivery was answered. */
  readonly settled: () => Promise<void>;
  /** Settles a job that did not finish as `interrupted` (its hold released) and tells its listeners. */
  readonly interrupt: (jobId: string) => Promise<void>;
  readonly logger: Logger;
}

/**
 * The engine's bounded stop (the contract is documented on {@link GenerationService.shutdown}):
 * waiting jobs are interrupted at once, running ones get the grace to finish and deliver, and
 * whatever is left at the deadline is interrupted or left `delivering` for the next start.
 */
export class Shutdown {
  readonly #o: ShutdownOptions;
  #begun = false;

  constructor(options: ShutdownOptions) {
    this.#o = options;
  }

  /** Whether shutdown began; no new jobs are taken from then on. */
  get begun(): boolean {
    return this.#begun;
  }

  async run(graceMs: number): Promise<void> {
    this.#begun = true;
    await Promise.all(this.#o.scheduler.close().map((id) => this.#o.interrupt(id)));
    if ((await this.#settledWithin(graceMs)) === 'timeout') await this.#atDeadline();
  }

  async #settledWithin(graceMs: number): Promise<'idle' | 'timeout'> {
    // Real time, not the injected clock: the grace is a deadline the supervisor enforces.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const settledAll = this.#o.settled().then(() => 'idle' as const);
    const outcome = await Promise.race([settledAll, timedOut]);
    clearTimeout(timer);
    return outcome;
  }

  /** Deliveries in flight are left for the next start; jobs still at the provider are aborted and interrupted. */
  async #atDeadline(): Promise<void> {
    const left = this.#o.delivery.abandon();
    if (left.length > 0) this.#o.logger.warn({ jobs: left.length }, 'shutdown deadline: deliveries left for the next start');
    const interrupted: Promise<void>[] = [];
    for (const [id, pending] of this.#o.pending) {
      if (pending.delivering) continue;
      pending.controller.abort(new AppError('interrupted', 'Shutting down'));
      interrupted.push(this.#o.interrupt(id));
    }
    await Promise.all(interrupted);
  }
}
