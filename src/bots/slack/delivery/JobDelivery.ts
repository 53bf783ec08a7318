import { nextResolution } from '../../../core/generation/derive.js';
import type { JobEvent, JobListener } from '../../../core/generation/types.js';
import type { Job } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { parseDestination, type SlackDestination } from '../destination.js';
import { quotePrompt } from '../mrkdwn.js';
import { openDirectChannel } from '../Notifier.js';
import { describeSlackError, isUnreachableChannel } from '../slackErrors.js';
import type { SlackContext } from '../SlackContext.js';
import { resultSummary } from '../views/resultMessage.js';
import { postResult } from './postResult.js';

type Succeeded = Extract<JobEvent, { type: 'succeeded' }>;
type Failed = Extract<JobEvent, { type: 'failed' }>;

/**
 * Turns the core's job events into Slack messages: a finished job's images are shared where it was
 * asked for (or, when the bot cannot post there any more, sent to the requester directly); a failed
 * job gets an ephemeral note saying why and what was refunded.
 */
export class JobDelivery {
  readonly #ctx: SlackContext;

  constructor(ctx: SlackContext) {
    this.#ctx = ctx;
  }

  /** Subscribe this to the generation service. Synchronous: the work runs tracked in the background. */
  readonly listener: JobListener = (event) => {
    if (event.job.platform !== 'slack') return;
    if (event.type === 'succeeded') this.#track(event.job, () => this.#succeeded(event));
    else if (event.type === 'failed') this.#track(event.job, () => this.#failed(event));
  };

  /** Tells the owners of jobs a restart interrupted that their credits came back. */
  async notifyInterrupted(jobs: readonly Job[]): Promise<void> {
    await Promise.all(
      jobs.map(async (job) => {
        const where = this.#where(job);
        if (!where) return;
        await this.#ctx.notifier.tell(
          where,
          `:warning: The bot restarted before your image ${quotePrompt(job.request.prompt, 80)} finished; your ${plural(job.cost, 'credit was', 'credits were')} returned.`,
        );
      }),
    );
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

  async #succeeded(event: Succeeded): Promise<void> {
    const { job, images, account, durationMs } = event;
    const where = this.#where(job);
    if (!where) return;
    const { client, core, logger, channels, notifier } = this.#ctx;
    const summary = resultSummary(job, account, durationMs, where.user);
    const canUpscale = nextResolution(core.catalog, job.request.model, job.request.resolution) !== undefined;
    const log = logger.child({ jobId: job.id, channel: where.channel });
    try {
      await postResult(client, where, job, images, summary, canUpscale);
      log.info({ images: images.length }, 'result posted to Slack');
      return;
    } catch (error) {
      if (!isUnreachableChannel(error)) {
        log.error({ err: error, ...describeSlackError(error) }, 'Slack refused the result');
        await notifier.tell(
          where,
          `Your image ${quotePrompt(job.request.prompt, 80)} was made, but Slack refused the upload (${describeSlackError(error).code}). Tell the bot’s operator.`,
        );
        return;
      }
      channels.forget(where.channel);
    }
    // The bot left (or was removed from) the channel while the job ran: deliver privately instead.
    const dm = await openDirectChannel(client, where.user);
    await postResult(client, { channel: dm }, job, images, `I couldn’t post in <#${where.channel}> (I’m not in it), so here is your image.\n${summary}`, canUpscale);
    log.info({ images: images.length }, 'result sent by direct message');
  }

  async #failed(event: Failed): Promise<void> {
    const where = this.#where(event.job);
    if (!where) return;
    const refund =
      event.refunded > 0 && event.errorCode !== 'interrupted' ? ` Your ${plural(event.refunded, 'credit was', 'credits were')} returned (balance ${event.account.balance}).` : '';
    await this.#ctx.notifier.tell(where, `:x: Your image ${quotePrompt(event.job.request.prompt, 80)} could not be made. ${event.message}${refund}`);
  }
}
