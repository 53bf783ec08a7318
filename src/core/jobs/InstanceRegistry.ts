import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Instance } from '../model.js';
import type { InstanceStore } from '../storePorts.js';

export interface InstanceRegistryOptions {
  readonly instances: InstanceStore;
  readonly clock: Clock;
  /** How long the lease lasts without renewal; renewed every third of it. */
  readonly leaseMs: number;
  /** This process: its id, role, host and pid. */
  readonly self: Pick<Instance, 'id' | 'role' | 'host' | 'pid'>;
  /** When (epoch ms) this operating-system process started: instances with our pid from before then are predecessors. */
  readonly processStartedAt: number;
  /** Whether a process of this host is alive (`process.kill(pid, 0)`). */
  readonly pidAlive: (pid: number) => boolean;
  readonly logger: Logger;
}

/**
 * This process's place among the processes sharing the database. It registers with a lease and
 * renews it while alive; {@link sweep} tells the live instances from the dead (lease run out, or a
 * process of this host that is gone — a crash and restart is seen at once, not a lease later), and
 * removes the dead, whose slots go with them. Jobs owned by a dead instance are orphans.
 */
export class InstanceRegistry {
  readonly #o: InstanceRegistryOptions;
  #cancel: (() => void) | undefined;
  #registered = false;

  constructor(options: InstanceRegistryOptions) {
    this.#o = options;
  }

  get id(): string {
    return this.#o.self.id;
  }

  /** Registers and keeps renewing; calling it again changes nothing. */
  async start(): Promise<void> {
    if (this.#registered) return;
    const now = this.#o.clock.now();
    await this.#o.instances.register({ ...this.#o.self, startedAt: now, leaseUntil: now + this.#o.leaseMs });
    this.#registered = true;
    this.#schedule();
  }

  /** Stops renewing and removes the registration: call once this process's jobs are settled or left. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    if (!this.#registered) return;
    this.#registered = false;
    await this.#o.instances.remove([this.id]);
  }

  /**
   * Removes the instances that are dead and returns the ids of the live ones (this one included).
   */
  async sweep(): Promise<ReadonlySet<string>> {
    const now = this.#o.clock.now();
    const all = await this.#o.instances.list();
    const dead = all.filter((instance) => this.#isDead(instance, now));
    if (dead.length > 0) {
      await this.#o.instances.remove(dead.map((d) => d.id));
      this.#o.logger.warn({ instances: dead.map((d) => ({ id: d.id, role: d.role, host: d.host, pid: d.pid })) }, 'removed processes that stopped renewing');
    }
    const live = new Set(all.filter((i) => !dead.includes(i)).map((i) => i.id));
    if (this.#registered) live.add(this.id);
    return live;
  }

  #isDead(instance: Instance, now: number): boolean {
    if (instance.id === this.id) return false;
    if (instance.leaseUntil < now) return true;
    if (instance.host !== this.#o.self.host) return false;
    // Same host: this process's own pid under another id, registered before this process began, is a
    // predecessor (a container restarted with the same pid); one registered since lives in this
    // process. A pid that no longer runs is a crash.
    if (instance.pid === this.#o.self.pid) return instance.startedAt < this.#o.processStartedAt;
    return !this.#o.pidAlive(instance.pid);
  }

  #schedule(): void {
    this.#cancel = this.#o.clock.after(Math.floor(this.#o.leaseMs / 3), () => void this.#renew());
  }

  async #renew(): Promise<void> {
    this.#cancel = undefined;
    if (!this.#registered) return;
    const now = this.#o.clock.now();
    try {
      if (!(await this.#o.instances.renew(this.id, now + this.#o.leaseMs))) {
        // Others took this process for dead (it stalled past its lease) and released its jobs.
        this.#o.logger.error({ instance: this.id }, 'this process was taken for dead; registering again');
        await this.#o.instances.register({ ...this.#o.self, startedAt: now, leaseUntil: now + this.#o.leaseMs });
      }
    } catch (error) {
      // A busy or closing database: the next renewal tries again, well before the lease runs out.
      this.#o.logger.warn({ err: error }, 'could not renew the process lease');
    }
    if (this.#registered) this.#schedule();
  }
}
