import type { Logger } from 'pino';
import type { CreditService } from '../credits/CreditService.js';
import { requireCount } from '../credits/validation.js';
import type { JobEvents } from '../generation/JobEvents.js';
import type { GenerationObserver } from '../generation/observer.js';
import type { Delivery, OutputImage } from '../generation/types.js';
import type { Account, Job, StoredOutput } from '../model.js';
import type { JobService } from '../jobs/JobService.js';
import type { ServedBy } from '../storePorts.js';
import { JOB_FAILURE_TEXT } from '../userText.js';
import type { ImageSpool } from './ImageSpool.js';

/**
 * Posts a spooled job's images to where it was asked for, after a restart (the adapter's own
 * channel or thread, with the bot's token). Resolves to the number of images the platform took.
 */
export type Redeliver = (job: Job, images: readonly OutputImage[], account: Account) => Promise<number>;

export interface DeliveryServiceOptions {
  readonly credits: CreditService;
  readonly jobs: JobService;
  readonly spool: ImageSpool;
  readonly events: JobEvents;
  readonly observer: GenerationObserver;
  /** Called once a job this service answered for has settled; the engine forgets it. */
  readonly onSettled: (jobId: string) => void;
}

/** A half-written keep older than this was left by a process that died while writing it. */
const UNFINISHED_KEEP_MS = 60 * 60_000;

/** What one delivery settles with. */
interface Answer {
  readonly delivered: number;
  readonly error?: unknown;
}

/**
 * Capture after delivery: a job's images are kept in the spool and the job marked `delivering`
 * while it still holds its whole cost; the deliverer's answer ({@link Delivery}) captures the cost
 * of the confirmed images and releases the rest, exactly once. After a crash, {@link recover}
 * delivers what a dead process left in the spool.
 */
export class DeliveryService {
  readonly #o: DeliveryServiceOptions;
  /** Deliveries waiting for their answer: job id → settles when answered. */
  readonly #outstanding = new Map<string, Promise<void>>();
  #abandoned = false;

  constructor(options: DeliveryServiceOptions) {
    this.#o = options;
  }

  /** Deliveries waiting for their answer. */
  get outstanding(): number {
    return this.#outstanding.size;
  }

  /**
   * Keeps the images, marks the job `delivering` (recording who `served` it: the settlement charges
   * that unit cost) and emits `ready` with the handle to answer with.
   * @returns false (nothing kept) when the job was no longer running: another process settled it.
   * @throws when the images cannot be kept; the job is still running and the caller fails it.
   */
  async offer(job: Job, images: readonly OutputImage[], durationMs: number, log: Logger, served: ServedBy): Promise<boolean> {
    await this.#o.spool.put(job.id, images);
    const delivering = await this.#o.jobs.markDelivering(job.id, images.map(storedOutput), served);
    if (!delivering) {
      await this.#o.spool.drop(job.id);
      return false;
    }
    log.info({ status: 'delivering', images: images.length }, 'job delivering');
    const account = (await this.#o.credits.account(job.accountKey))!;
    const delivery = this.#handle(delivering, images.length, log, async (answer) => {
      await this.#settle(delivering, answer, durationMs, log);
    });
    this.#o.events.emit({ type: 'ready', job: delivering, images, account, durationMs, delivery });
    return true;
  }

  /**
   * Delivers `delivering` jobs a dead process left behind, from the spool, and settles each with
   * what the platform took; a job whose images are gone, or that `redeliver` cannot post, is
   * released as `undelivered`.
   * @returns the jobs released that way, so their owners can be told.
   */
  async recover(jobs: readonly Job[], redeliver: Redeliver, log: Logger): Promise<Job[]> {
    const released: Job[] = [];
    await Promise.all(
      jobs
        .filter((job) => !this.#outstanding.has(job.id))
        .map(async (job) => {
          const jobLog = log.child({ jobId: job.id, platform: job.platform, account: job.accountKey });
          let answered: Answer = { delivered: 0 };
          const done = this.#track(job.id);
          try {
            const images = await this.#o.spool.get(job.id);
            const account = await this.#o.credits.account(job.accountKey);
            if (images && images.length > 0 && account) {
              const delivered = await redeliver(job, images, account);
              answered = { delivered: Math.max(0, Math.min(images.length, Math.trunc(delivered))) };
            } else {
              answered = { delivered: 0, error: new Error('the images were no longer in the spool') };
            }
          } catch (error) {
            answered = { delivered: 0, error };
          } finally {
            try {
              const settled = await this.#settle(job, answered, 0, jobLog);
              if (settled?.status === 'failed') released.push(settled);
            } finally {
              done();
            }
          }
        }),
    );
    return released;
  }

  /** Resolves once every outstanding delivery has its answer. */
  async idle(): Promise<void> {
    while (this.#outstanding.size > 0) await Promise.all([...this.#outstanding.values()]);
  }

  /**
   * Shutdown ran out of time: deliveries still in flight are left `delivering`, their images in the
   * spool, for the next start to deliver. Answers that arrive after this are ignored.
   * @returns the jobs left that way.
   */
  abandon(): string[] {
    this.#abandoned = true;
    return [...this.#outstanding.keys()];
  }

  /** Spool folders of jobs that are no longer delivering (a crash between settling and dropping). */
  async sweepSpool(isDelivering: (jobId: string) => boolean): Promise<void> {
    await this.#o.spool.sweepUnfinished(UNFINISHED_KEEP_MS);
    for (const jobId of await this.#o.spool.list()) {
      if (!isDelivering(jobId) && !this.#outstanding.has(jobId)) await this.#o.spool.drop(jobId);
    }
  }

  #handle(job: Job, produced: number, log: Logger, settle: (answer: Answer) => Promise<void>): Delivery {
    const done = this.#track(job.id);
    let answered = false;
    const answer = (value: Answer): void => {
      if (answered) return;
      answered = true;
      if (this.#abandoned) {
        done();
        return;
      }
      // Outstanding until it settled and its images have left the spool too. A database that fails
      // here leaves the job delivering, for recovery to settle.
      void settle(value)
        .catch((error: unknown) => log.error({ err: error }, 'could not settle a delivered job'))
        .finally(done);
    };
    return {
      confirm: (delivered) => answer({ delivered: requireCount(delivered, 'The number of delivered images', 0, produced) }),
      fail: (error) => answer({ delivered: 0, error }),
    };
  }

  #track(jobId: string): () => void {
    let resolve: () => void = () => undefined;
    this.#outstanding.set(jobId, new Promise<void>((r) => (resolve = r)));
    return () => {
      this.#outstanding.delete(jobId);
      resolve();
    };
  }

  /**
   * Captures the delivered images' cost and releases the rest; emits the job's last event; drops the
   * images. Resolves to the job as settled, or undefined when another process had settled it.
   */
  async #settle(job: Job, answer: Answer, durationMs: number, log: Logger): Promise<Job | undefined> {
    const { credits, events, observer } = this.#o;
    const settled =
      answer.delivered > 0
        ? await credits.settle(job.id, { delivered: answer.delivered, status: 'succeeded', outputs: job.outputs })
        : await credits.settle(job.id, { delivered: 0, status: 'failed', errorCode: 'undelivered', errorMessage: JOB_FAILURE_TEXT.undelivered, outputs: job.outputs });
    const dropped = this.#o.spool.drop(job.id).catch((error: unknown) => log.warn({ err: error }, 'could not remove delivered images from the spool'));
    if (!settled.settled) {
      log.warn({ status: settled.job.status }, 'job settled by another process while it was delivered');
      this.#o.onSettled(job.id);
      await dropped;
      return undefined;
    }
    observer.jobFinished(settled.job, durationMs);
    const { account, captured, released } = settled;
    if (answer.delivered > 0) {
      observer.creditsCaptured(captured);
      log.info({ status: 'succeeded', durationMs, delivered: answer.delivered, captured, released }, 'job finished');
      events.emit({ type: 'succeeded', job: settled.job, account, delivered: answer.delivered, captured, released, durationMs });
    } else {
      log.warn({ status: 'failed', errorCode: 'undelivered', durationMs, delivered: 0, released, err: answer.error }, 'job undelivered');
      events.emit({ type: 'failed', job: settled.job, code: 'undelivered', message: JOB_FAILURE_TEXT.undelivered, refunded: released, account });
    }
    this.#o.onSettled(job.id);
    await dropped;
    return settled.job;
  }
}

function storedOutput({ name, mime, bytes, width, height }: OutputImage): StoredOutput {
  return { name, mime, bytes: bytes.length, width, height };
}
