import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../core/clock.js';
import { describeSlackError, slackErrorCode } from './slackErrors.js';

export type ChannelCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface ChannelAccessOptions {
  readonly client: webApi.WebClient;
  /** The bot's name, for the `/invite @name` hint. */
  readonly botName: string;
  readonly logger: Logger;
  /**
   * How long a "member" answer is trusted. A "not a member" answer is never cached, so inviting the
   * bot works at once.
   * @defaultValue 5 minutes
   */
  readonly ttlMs?: number;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
}

/**
 * Answers "can the bot post here?" before a job is charged, so a user whose channel the bot is not
 * in is told how to invite it instead of paying for an image that cannot be delivered. Answers are
 * cached and concurrent questions about one channel share one `conversations.info` call.
 */
export class ChannelAccess {
  readonly #o: ChannelAccessOptions;
  readonly #clock: Clock;
  readonly #members = new Map<string, number>();
  readonly #asking = new Map<string, Promise<ChannelCheck>>();

  constructor(options: ChannelAccessOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  check(channel: string): Promise<ChannelCheck> {
    const until = this.#members.get(channel);
    if (until !== undefined && until > this.#clock.now()) return Promise.resolve({ ok: true });
    let asking = this.#asking.get(channel);
    if (!asking) {
      asking = this.#ask(channel).finally(() => this.#asking.delete(channel));
      this.#asking.set(channel, asking);
    }
    return asking;
  }

  /** Forgets a channel, e.g. after a post there failed with `not_in_channel`. */
  forget(channel: string): void {
    this.#members.delete(channel);
  }

  async #ask(channel: string): Promise<ChannelCheck> {
    const invite = `\`/invite @${this.#o.botName}\``;
    try {
      const info = await this.#o.client.conversations.info({ channel });
      const c = info.channel;
      if (c?.is_archived) return { ok: false, message: 'That channel is archived, so I can’t post there.' };
      if (c?.is_member === true || c?.is_im === true) {
        this.#members.set(channel, this.#clock.now() + (this.#o.ttlMs ?? 5 * 60_000));
        return { ok: true };
      }
      return {
        ok: false,
        message: `I’m not in <#${channel}>, so I can’t post your image there. Invite me with ${invite} in that channel, then try again.`,
      };
    } catch (error) {
      if (slackErrorCode(error) === 'channel_not_found') {
        return {
          ok: false,
          message: `I can’t post in this conversation. Use me in a channel (invite me with ${invite}) or in my Messages tab.`,
        };
      }
      // Anything else (a network failure, a missing scope) is no reason to refuse: delivery falls
      // back to a direct message if posting there fails.
      this.#o.logger.warn({ channel, ...describeSlackError(error) }, 'could not check channel membership');
      return { ok: true };
    }
  }
}
