/**
 * Runs jobs under a global concurrency limit and a per-user limit, taking users in turn so one
 * person's burst cannot starve everybody else. Queues are bounded: a full queue is a refusal the
 * caller shows, never unbounded memory.
 */
export interface SchedulerOptions {
  /** Jobs running at once, in all. */
  readonly concurrency: number;
  /** Jobs running at once for one user. */
  readonly perUser: number;
  /** Jobs waiting, in all. */
  readonly queueLimit: number;
  /** Jobs waiting for one user; defaults to the whole queue. */
  readonly perUserQueueLimit?: number;
}

export interface SchedulerHooks {
  /**
   * Waiting jobs' places changed (1 = next to start). Published once per turn of the event loop for
   * every job whose place differs from the last one published, so a burst costs one pass.
   */
  readonly onPosition?: (id: string, position: number) => void;
}

export type EnqueueResult = { ok: true; position: number } | { ok: false; reason: 'queue_full' | 'user_busy' };

interface Entry {
  readonly id: string;
  readonly user: string;
  readonly run: () => Promise<void>;
}

export class Scheduler {
  readonly #options: Required<SchedulerOptions>;
  readonly #hooks: SchedulerHooks;
  /** Waiting entries per user, in arrival order; a user is present only while it has some. */
  readonly #queues = new Map<string, Entry[]>();
  /** Users in turn order; the next pick starts after the last user served. */
  #turn: string[] = [];
  /** The user of each waiting job. */
  readonly #waiting = new Map<string, string>();
  readonly #running = new Map<string, number>();
  #runningTotal = 0;
  /** Positions as last published, to report only changes. */
  #published = new Map<string, number>();
  #publishScheduled = false;
  #accepting = true;
  #idleWaiters: (() => void)[] = [];

  constructor(options: SchedulerOptions, hooks: SchedulerHooks = {}) {
    for (const [k, v] of Object.entries(options)) {
      if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`Scheduler option ${k} must be a positive integer`);
    }
    this.#options = { perUserQueueLimit: options.queueLimit, ...options };
    this.#hooks = hooks;
  }

  /** Jobs waiting to start. */
  get depth(): number {
    return this.#waiting.size;
  }

  /** Jobs of this user waiting to start. */
  waitingOf(user: string): number {
    return this.#queues.get(user)?.length ?? 0;
  }

  /** Whether {@link enqueue} would accept a job from this user now. */
  room(user: string): 'ok' | 'queue_full' | 'user_busy' {
    if (!this.#accepting || this.#waiting.size >= this.#options.queueLimit) return 'queue_full';
    if ((this.#queues.get(user)?.length ?? 0) >= this.#options.perUserQueueLimit) return 'user_busy';
    return 'ok';
  }

  /**
   * Queues a job; it starts as soon as limits allow. The returned position is 1-based among waiting
   * jobs, or 0 when the job started at once.
   */
  enqueue(id: string, user: string, run: () => Promise<void>): EnqueueResult {
    const room = this.room(user);
    if (room !== 'ok') return { ok: false, reason: room };
    const own = this.#queues.get(user);
    const entry: Entry = { id, user, run };
    if (own) own.push(entry);
    else {
      this.#queues.set(user, [entry]);
      this.#turn.push(user);
    }
    this.#waiting.set(id, user);
    this.#pump();
    this.#schedulePublish();
    return { ok: true, position: this.position(id) ?? 0 };
  }

  /** Removes a waiting job. False when it is not waiting (running, done or unknown). */
  cancel(id: string): boolean {
    const user = this.#waiting.get(id);
    if (user === undefined) return false;
    const entries = this.#queues.get(user)!;
    entries.splice(
      entries.findIndex((e) => e.id === id),
      1,
    );
    this.#waiting.delete(id);
    if (entries.length === 0) this.#dropUser(user);
    this.#schedulePublish();
    return true;
  }

  /**
   * The 1-based place of a waiting job, or undefined. Places follow the order jobs would start in if
   * nothing else arrived: one job per user per round, users in turn order (a user at their running
   * limit keeps their turn). O(users), computed from queue lengths.
   */
  position(id: string): number | undefined {
    const user = this.#waiting.get(id);
    if (user === undefined) return undefined;
    const round = this.#queues.get(user)!.findIndex((e) => e.id === id);
    let ahead = 0;
    let before = true;
    for (const other of this.#turn) {
      if (other === user) before = false;
      const length = this.#queues.get(other)!.length;
      // Everyone's jobs in earlier rounds, plus this round's jobs of users earlier in the turn order.
      ahead += Math.min(length, round) + (before && length > round ? 1 : 0);
    }
    return ahead + 1;
  }

  /**
   * Stops accepting and starting jobs; returns the ids of those still waiting (now removed), so the
   * caller can settle them.
   */
  close(): string[] {
    this.#accepting = false;
    const ids = [...this.#waiting.keys()];
    this.#queues.clear();
    this.#turn = [];
    this.#waiting.clear();
    this.#published.clear();
    this.#notifyIdle();
    return ids;
  }

  /** Resolves when no job is running and none is waiting. */
  idle(): Promise<void> {
    if (this.#runningTotal === 0 && this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #dropUser(user: string): void {
    this.#queues.delete(user);
    this.#turn = this.#turn.filter((u) => u !== user);
  }

  #pump(): void {
    let started = false;
    while (this.#accepting && this.#runningTotal < this.#options.concurrency && this.#waiting.size > 0) {
      const index = this.#turn.findIndex((u) => (this.#running.get(u) ?? 0) < this.#options.perUser);
      if (index === -1) break;
      const user = this.#turn[index]!;
      const entries = this.#queues.get(user)!;
      const entry = entries.shift()!;
      this.#waiting.delete(entry.id);
      // The served user goes to the back of the turn order: round-robin.
      this.#turn.splice(index, 1);
      if (entries.length > 0) this.#turn.push(user);
      else this.#queues.delete(user);
      this.#start(entry);
      started = true;
    }
    if (started) this.#schedulePublish();
  }

  #start(entry: Entry): void {
    this.#runningTotal++;
    this.#running.set(entry.user, (this.#running.get(entry.user) ?? 0) + 1);
    const done = (): void => {
      this.#runningTotal--;
      const left = (this.#running.get(entry.user) ?? 1) - 1;
      if (left === 0) this.#running.delete(entry.user);
      else this.#running.set(entry.user, left);
      this.#pump();
      this.#notifyIdle();
    };
    // Started on the next microtask so the caller of enqueue() sees its result (and can announce the
    // job) before the job's own first step. A job's errors are its runner's business.
    queueMicrotask(() => {
      entry.run().then(done, done);
    });
  }

  /** Positions are published once per turn of the event loop, however many changes it saw. */
  #schedulePublish(): void {
    if (!this.#hooks.onPosition || this.#publishScheduled) return;
    this.#publishScheduled = true;
    setImmediate(() => {
      this.#publishScheduled = false;
      this.#publish();
    });
  }

  #publish(): void {
    const next = new Map<string, number>();
    let position = 0;
    let longest = 0;
    for (const entries of this.#queues.values()) longest = Math.max(longest, entries.length);
    for (let round = 0; round < longest; round++) {
      for (const user of this.#turn) {
        const entry = this.#queues.get(user)?.[round];
        if (entry) next.set(entry.id, ++position);
      }
    }
    const onPosition = this.#hooks.onPosition!;
    const previous = this.#published;
    this.#published = next;
    for (const [id, p] of next) if (previous.get(id) !== p) onPosition(id, p);
  }

  #notifyIdle(): void {
    if (this.#runningTotal !== 0 || this.#waiting.size !== 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
