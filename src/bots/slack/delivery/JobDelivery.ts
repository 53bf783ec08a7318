import type { JobEvent, JobListener, OutputImage } from '../../../core/generation/types.js';
import { deliveryCharge, type Account, type Job } from '../../../core/model.js';
import { refundText, releasedNotice } from '../../../core/userText.js';
import { parseDestination, type SlackDestination } from '../destination.js';
import { quotePrompt } from '../mrkdwn.js';
import { openDirectChannel } from '../Notifier.js';
import { describeSlackError, isUnreachableChannel } from '../slackErrors.js';
import type { SlackContext } from '../SlackContext.js';
import { resultSummary } from '../views/resultMessage.js';
import { postResultButtons, uploadResult, type PostPlace } from './postResult.js';

type Ready = Extract<JobEvent, { type: 'ready' }>;
type Failed = Extract<JobEvent, { type: 'failed' }>;

/**
 * Turns the core's job events into Slack messages, and delivers Slack's jobs: a finished job's
 * images are shared where it was asked for (or, when the bot cannot post there any more, sent to the
 * requester directly) and then confirmed, so only what Slack took is charged; a failed job — one
 * whose upload Slack refused included — gets an ephemeral note saying why and what came back.
 */
export class JobDelivery {
  readonly #ctx: SlackContext;

  constructor(ctx: SlackContext) {
    this.#ctx = ctx;
  }

  /** Subscribe this to the generation service. Synchronous: the work runs tracked in the background. */
  readonly listener: JobListener = (event) => {
    if (event.job.platform !== 'slack') return;
    if (event.type === 'ready') this.#track(event.job, () => this.#ready(event));
    else if (event.type === 'failed') this.#track(event.job, () => this.#failed(event));
  };

  /** Tells the owners of jobs recovery released that their credits came back. */
  async notifyReleased(jobs: readonly Job[]): Promise<void> {
    await Promise.all(
      jobs.map(async (job) => {
        const where = this.#where(job);
        if (!where) return;
        await this.#ctx.notifier.tell(where, `:warning: ${releasedNotice(job, quotePrompt(job.request.prompt, 80))}`);
      }),
    );
  }

  /** A result a previous process made: posted where it was asked for; resolves to the images Slack took. */
  async redeliver(job: Job, images: readonly OutputImage[], account: Account): Promise<number> {
    const where = this.#where(job);
    if (!where) return 0;
    return this.#post(where, job, images, `Here is your image (the bot restarted while posting it).\n${resultSummary(job, deliveryCharge(job, account, images.length), 0, where.user)}`);
  }

  #track(job: Job, work: () => Promise<void>): void {
    this.#ctx.inflight.run(work).catch((error: unknown) => {
      this.#ctx.logger.error({ err: error, jobId: job.id, ...describeSlackError(error) }, 'could not deliver a job event to Slack');
    });
  }

  #where(job: Job): SlackDestination | undefined {
    const where = parseDestination(job.destination);
    if (!where) this.#ctx.logger.warn({ jobId: job.id }, 'Slack job has no usable destination');
    return where;
  }

  async #ready(event: Ready): Promise<void> {
    const { job, images, account, durationMs, delivery } = event;
    const where = this.#where(job);
    let posted = 0;
    let failure: unknown;
    try {
      if (where) posted = await this.#post(where, job, images, resultSummary(job, deliveryCharge(job, account, images.length), durationMs, where.user));
    } catch (error) {
      failure = error;
      this.#ctx.logger.error({ err: error, jobId: job.id, ...describeSlackError(error) }, 'Slack refused the result');
    }
    if (posted > 0) delivery.confirm(posted);
    else delivery.fail(failure);
  }

  /**
   * Uploads the images where the job was asked for; when the bot left that channel, by direct
   * message instead. Resolves to the images Slack took; throws when it refused them.
   */
  async #post(where: SlackDestination, job: Job, images: readonly OutputImage[], summary: string): Promise<number> {
    const { client, channels } = this.#ctx;
    const log = this.#ctx.logger.child({ jobId: job.id, channel: where.channel });
    try {
      await this.#share(where, job, images, summary);
      log.info({ images: images.length }, 'result posted to Slack');
      return images.length;
    } catch (error) {
      if (!isUnreachableChannel(error)) throw error;
      channels.forget(where.channel);
    }
    // The bot left (or was removed from) the channel while the job ran: deliver privately instead.
    const dm = await openDirectChannel(client, where.user);
    await this.#share({ channel: dm }, job, images, `I couldn’t post in <#${where.channel}> (I’m not in it), so here is your image.\n${summary}`);
    log.info({ images: images.length }, 'result sent by direct message');
    return images.length;
  }

  /** Upload, then buttons; a refused buttons message does not undo a delivered image. */
  async #share(place: PostPlace, job: Job, images: readonly OutputImage[], comment: string): Promise<void> {
    const { client, core, logger } = this.#ctx;
    const fileIds = await uploadResult(client, place, job, images, comment);
    try {
      await postResultButtons(client, place, job, fileIds, core.canUpscale(job));
    } catch (error) {
      logger.warn({ jobId: job.id, ...describeSlackError(error) }, 'could not post the result buttons');
    }
  }

  async #failed(event: Failed): Promise<void> {
    const where = this.#where(event.job);
    if (!where) return;
    const quoted = quotePrompt(event.job.request.prompt, 80);
    if (event.code === 'undelivered') {
      await this.#ctx.notifier.tell(where, `:x: ${releasedNotice(event.job, quoted)}`);
      return;
    }
    const refund = event.refunded > 0 ? ` ${refundText(event.refunded, event.account.balance)}` : '';
    await this.#ctx.notifier.tell(where, `:x: Your image ${quoted} could not be made. ${event.message}${refund}`);
  }
}
