import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { JobService } from './JobService.js';

export interface LeaseKeeperOptions {
  readonly jobs: JobService;
  readonly clock: Clock;
  /** How long a lease lasts; it is renewed every third of that. */
  readonly leaseMs: number;
  /** The unsettled jobs this process runs now. */
  readonly held: () => readonly string[];
  readonly logger: Logger;
}

/**
 * Keeps this process's claim on the jobs it runs: each job starts with a lease
 * ({@link leaseUntil}), renewed every third of its length while the process is alive. When the
 * process dies the leases run out, and recovery elsewhere (the bot's sweep, the next CLI start) may
 * release the job: within a lease and a sweep, instead of the worst-case job time.
 */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  #cancel: (() => void) | undefined;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
  }

  /** The lease a job taken now starts with. */
  leaseUntil(): number {
    return this.#o.clock.now() + this.#o.leaseMs;
  }

  /** Renews from now on while there are jobs to hold; calling it again changes nothing. */
  start(): void {
    this.#cancel ??= this.#o.clock.after(Math.floor(this.#o.leaseMs / 3), () => this.#renew());
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #renew(): void {
    this.#cancel = undefined;
    const ids = this.#o.held();
    if (ids.length === 0) return;
    try {
      this.#o.jobs.renewLeases(ids, this.leaseUntil());
    } catch (error) {
      // A busy or closing database: the next renewal tries again, well before the lease runs out.
      this.#o.logger.warn({ err: error, jobs: ids.length }, 'could not renew job leases');
    }
    this.start();
  }
}
