import { escapeMarkdown } from 'discord.js';
import type { Logger } from 'pino';
import type { Facade } from '../../../core/facade/Facade.js';
import type { OutputImage } from '../../../core/generation/types.js';
import { deliveryCharge, type Account, type Job } from '../../../core/model.js';
import { truncate } from '../../../core/text/truncate.js';
import { releasedNotice } from '../../../core/userText.js';
import { destinationOf } from '../interactions/requester.js';
import { describeError } from '../logSafe.js';
import { textMessage } from '../render/OutgoingMessage.js';
import { droppedNote, resultMessage } from '../render/resultMessage.js';
import type { ChannelPoster, DirectPoster } from './channelPoster.js';
import { fitFiles } from './fitFiles.js';

/** Discord's per-file upload limit in a guild without boosts; an interaction's own limit is gone after a restart. */
const CHANNEL_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface AfterRestartDeps {
  readonly core: Pick<Facade, 'catalog' | 'canUpscale'>;
  readonly postToChannel: ChannelPoster;
  readonly postToUser: DirectPoster;
  readonly logger: Logger;
}

/**
 * What the Discord adapter does for jobs a previous process left behind: posts a spooled result to
 * the job's channel with the bot token (the interaction token died with that process), and tells
 * owners whose credits came back.
 */
export class AfterRestart {
  readonly #deps: AfterRestartDeps;

  constructor(deps: AfterRestartDeps) {
    this.#deps = deps;
  }

  /** Posts the result in the job's channel, mentioning its owner; resolves to the images posted. */
  async redeliver(job: Job, images: readonly OutputImage[], account: Account): Promise<number> {
    const { channelId, userId } = destinationOf(job.destination);
    if (!channelId || !userId) return 0;
    const { files, dropped } = await fitFiles(images, CHANNEL_UPLOAD_LIMIT_BYTES, `nano-imagine-${job.id.slice(0, 8)}`);
    if (files.length === 0) return 0;
    const { core } = this.#deps;
    const notes = [
      `<@${userId}> here is your image: the bot restarted while posting it.`,
      ...droppedNote(dropped),
    ];
    const message = resultMessage({ job, charge: deliveryCharge(job, account, files.length), durationMs: 0, files, actions: { canUpscale: core.canUpscale(job), canEdit: core.catalog.maxReferences > 0 }, notes });
    await this.#deps.postToChannel(channelId, { ...message, mentionUserId: userId });
    return files.length;
  }

  /** Tells each owner (in the job's channel, else by direct message); best effort, one message per job. */
  async notifyReleased(jobs: readonly Job[]): Promise<void> {
    await Promise.all(
      jobs.map(async (job) => {
        const { channelId, userId } = destinationOf(job.destination);
        if (!channelId || !userId) return;
        const text = releasedNotice(job, `“${escapeMarkdown(truncate(job.request.prompt, 100))}”`);
        try {
          await this.#deps.postToChannel(channelId, textMessage(`<@${userId}> ${text}`, userId));
        } catch (error) {
          this.#deps.logger.warn({ jobId: job.id, err: describeError(error) }, 'could not tell a user in the channel; trying a direct message');
          await this.#deps.postToUser(userId, textMessage(text)).catch((dmError: unknown) => {
            this.#deps.logger.warn({ jobId: job.id, err: describeError(dmError) }, 'could not tell a user about a released job');
          });
        }
      }),
    );
  }
}
