import { MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import type { Facade } from '../../../core/facade/Facade.js';
import { deliveryCharge } from '../../../core/model.js';
import type { JobEvent, JobListener } from '../../../core/generation/types.js';
import { describeError, isTokenExpired } from '../logSafe.js';
import { textMessage, type OutgoingMessage } from '../render/OutgoingMessage.js';
import { droppedNote, resultMessage } from '../render/resultMessage.js';
import { failureText, GENERATING_TEXT, queuedText } from '../render/statusText.js';
import { toInteractionEdit } from '../render/toPayloads.js';
import type { Clock } from '../../../core/clock.js';
import type { ChannelPoster, DirectPoster } from './channelPoster.js';
import { fitFiles } from './fitFiles.js';
import { ProgressThrottle } from './ProgressThrottle.js';
import type { Replier } from './Replier.js';
import { SerialQueue } from './SerialQueue.js';

/** How long an interaction token lets us edit and follow up: 15 minutes, less a safety margin. */
export const TOKEN_LIFETIME_MS = 15 * 60_000 - 30_000;
/** Progress edits of one reply at most this often. */
export const PROGRESS_INTERVAL_MS = 2_000;

export interface PresenterDeps {
  readonly clock: Clock;
  readonly core: Pick<Facade, 'catalog' | 'canUpscale'>;
  readonly postToChannel: ChannelPoster;
  readonly postToUser: DirectPoster;
  readonly logger: Logger;
}

/**
 * Where a job's messages go.
 * - `public`: the deferred public reply shows progress and becomes the result.
 * - `ephemeral`: the deferred reply is private status; the result is a channel message replying to
 *   `replyToMessageId` (the message command's target).
 */
export interface PresenterTarget {
  readonly replier: Replier;
  readonly surface: 'public' | 'ephemeral';
  readonly channelId: string;
  readonly userId: string;
  readonly replyToMessageId?: string;
  /** The interaction's `attachment_size_limit`. */
  readonly maxFileBytes: number;
  /** Shown with the result (e.g. an upscale that could not use the image as reference). */
  readonly note?: string;
}

/**
 * Turns one job's events into Discord messages, in order: the acknowledgement first, then progress
 * (throttled), then the result or the failure. Once the interaction token is past its lifetime (or
 * Discord says so), the result goes to the channel with the bot token instead. It delivers the job:
 * once Discord took the result it confirms the images posted, and when Discord refused it the
 * failure releases the hold and the requester is told privately (ephemeral, or a direct message).
 */
export class JobPresenter {
  readonly listener: JobListener = (event) => this.#onEvent(event);
  readonly #deps: PresenterDeps;
  readonly #target: PresenterTarget;
  readonly #queue: SerialQueue;
  readonly #throttle: ProgressThrottle;
  readonly #expiresAt: number;
  readonly #ack: Promise<boolean>;
  readonly #onDone: () => void;
  #resolveAck: (ok: boolean) => void = () => undefined;
  #tokenDead = false;
  #started = false;
  #finished = false;
  #discarded = false;

  /** @param onDone - called once, after the final message was sent (or the job was refused). */
  constructor(deps: PresenterDeps, target: PresenterTarget, onDone: () => void = () => undefined) {
    this.#deps = deps;
    this.#target = target;
    this.#onDone = onDone;
    this.#expiresAt = deps.clock.now() + TOKEN_LIFETIME_MS;
    this.#ack = new Promise((resolve) => (this.#resolveAck = resolve));
    this.#queue = new SerialQueue((error) => deps.logger.warn({ err: describeError(error) }, 'could not update a job message'));
    // The deferral counts as the first update: fast jobs go straight to their result, and a burst of
    // jobs does not turn into a burst of edits while other interactions still wait for their ack.
    this.#throttle = new ProgressThrottle(deps.clock, PROGRESS_INTERVAL_MS, (text) => this.#queue.push(() => this.#progress(text)), deps.clock.now());
  }

  /** Runs the acknowledgement (a deferral); everything else waits for it. */
  async acknowledge(defer: () => Promise<unknown>): Promise<void> {
    try {
      await defer();
      this.#resolveAck(true);
    } catch (error) {
      // Too late or refused: the job still runs and its result goes to the channel.
      this.#tokenDead = true;
      this.#resolveAck(false);
      this.#deps.logger.warn({ err: describeError(error) }, 'could not acknowledge the interaction');
    }
  }

  /** The submit was refused or was a duplicate: this presenter shows nothing. */
  discard(): void {
    this.#discarded = true;
    this.#throttle.stop();
    this.#resolveAck(false);
    this.#onDone();
  }

  /** Resolves once every message so far has been sent (or has failed). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  #onEvent(event: JobEvent): void {
    if (this.#discarded || this.#finished) return;
    switch (event.type) {
      case 'queued':
      case 'position':
        // Position 0 means it starts now: "generating" follows at once, so skip an edit.
        if (!this.#started && event.position > 0) this.#throttle.update(queuedText(event.position));
        return;
      case 'started':
        this.#started = true;
        this.#throttle.update(GENERATING_TEXT);
        return;
      case 'ready':
        this.#throttle.stop();
        this.#queue.push(() => this.#deliver(event));
        return;
      case 'succeeded':
        this.#finish(() => Promise.resolve());
        return;
      case 'failed':
        this.#finish(() => this.#fail(event));
        return;
    }
  }

  #finish(task: () => Promise<void>): void {
    this.#finished = true;
    this.#throttle.stop();
    this.#queue.push(task);
    this.#queue.push(() => Promise.resolve(this.#onDone()));
  }

  async #usable(): Promise<boolean> {
    const acked = await this.#ack;
    return acked && !this.#tokenDead && this.#deps.clock.now() < this.#expiresAt;
  }

  /** Runs an interaction-token call; false (and the token marked dead) when Discord refuses it. */
  async #viaToken(call: () => Promise<unknown>): Promise<boolean> {
    if (!(await this.#usable())) return false;
    try {
      await call();
      return true;
    } catch (error) {
      if (isTokenExpired(error)) this.#tokenDead = true;
      this.#deps.logger.warn({ err: describeError(error) }, 'interaction reply failed; using the channel');
      return false;
    }
  }

  async #progress(text: string): Promise<void> {
    if (this.#finished) return;
    await this.#viaToken(() => this.#target.replier.editReply({ content: text }));
  }

  /** Posts the result, then answers the delivery: the images Discord took, or the failure. */
  async #deliver(event: Extract<JobEvent, { type: 'ready' }>): Promise<void> {
    let posted = 0;
    let failure: unknown;
    try {
      const { files, dropped } = await fitFiles(event.images, this.#target.maxFileBytes, `nano-imagine-${event.job.id.slice(0, 8)}`);
      if (files.length > 0) {
        await this.#postResult(event, files, dropped);
        posted = files.length;
      }
    } catch (error) {
      failure = error;
      this.#deps.logger.warn({ err: describeError(error) }, 'Discord refused the result');
    }
    if (posted > 0) event.delivery.confirm(posted);
    else event.delivery.fail(failure);
  }

  /** Resolves once Discord holds the result message; throws when it refused it everywhere. */
  async #postResult(event: Extract<JobEvent, { type: 'ready' }>, files: Awaited<ReturnType<typeof fitFiles>>['files'], dropped: number): Promise<void> {
    const target = this.#target;
    const notes = [
      ...(target.note ? [target.note] : []),
      ...droppedNote(dropped),
    ];
    const message = resultMessage({ job: event.job, charge: deliveryCharge(event.job, event.account, files.length), durationMs: event.durationMs, files, actions: { canUpscale: this.#deps.core.canUpscale(event.job), canEdit: this.#deps.core.catalog.maxReferences > 0 }, notes });
    if (target.surface === 'ephemeral') {
      try {
        await this.#toChannel({ ...message, ...(target.replyToMessageId ? { replyToMessageId: target.replyToMessageId } : {}) });
      } catch (error) {
        // No right to post there (or the channel is gone): the requester still gets what they paid for.
        this.#deps.logger.warn({ err: describeError(error) }, 'could not post the result in the channel');
        if (!(await this.#viaToken(() => target.replier.editReply(toInteractionEdit(message))))) throw error;
        return;
      }
      await this.#viaToken(() => target.replier.editReply({ content: 'Done: the result is in the channel.' }));
      return;
    }
    if (await this.#viaToken(() => target.replier.editReply(toInteractionEdit(message)))) return;
    await this.#toChannel(message);
  }

  async #fail(event: Extract<JobEvent, { type: 'failed' }>): Promise<void> {
    const text = failureText(event);
    if (await this.#privately(text)) return;
    // Without the token: a result the channel refused is told by direct message, the rest in the channel.
    if (event.code === 'undelivered') await this.#deps.postToUser(this.#target.userId, textMessage(text));
    else await this.#toChannel(textMessage(text));
  }

  /** Tells the requester only, through the interaction token; false when the token is unusable. */
  async #privately(text: string): Promise<boolean> {
    const { replier } = this.#target;
    if (this.#target.surface === 'ephemeral') return this.#viaToken(() => replier.editReply({ content: text }));
    return this.#viaToken(async () => {
      // The public placeholder goes; the reason is for the requester only.
      await replier.deleteReply();
      await replier.followUp({ content: text, flags: MessageFlags.Ephemeral });
    });
  }

  /** With the bot token: the requester is mentioned, since the message cannot be private. */
  async #toChannel(message: OutgoingMessage): Promise<void> {
    const mention = `<@${this.#target.userId}>`;
    await this.#deps.postToChannel(this.#target.channelId, {
      ...message,
      content: message.content ? `${mention} ${message.content}` : mention,
      mentionUserId: this.#target.userId,
    });
  }
}
