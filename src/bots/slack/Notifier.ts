import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { describeSlackError, isUnreachableChannel } from './slackErrors.js';

/** Who to tell, and where they were when they asked. */
export interface NoticeTarget {
  readonly channel: string;
  readonly user: string;
  readonly threadTs?: string | undefined;
}

/**
 * Short private answers. An ephemeral message where the user is; when the bot cannot post there
 * (not a member, channel gone), a direct message instead. Never throws: a notice that cannot be
 * delivered is logged, not allowed to break the caller.
 */
export class Notifier {
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;

  constructor(client: webApi.WebClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  async tell(to: NoticeTarget, text: string): Promise<void> {
    try {
      await this.#client.chat.postEphemeral({
        channel: to.channel,
        user: to.user,
        text,
        ...(to.threadTs === undefined ? {} : { thread_ts: to.threadTs }),
      });
      return;
    } catch (error) {
      if (!isUnreachableChannel(error)) {
        this.#logger.warn({ channel: to.channel, user: to.user, ...describeSlackError(error) }, 'could not send an ephemeral notice');
        return;
      }
    }
    await this.direct(to.user, text);
  }

  /** A direct message from the bot. Never throws. */
  async direct(user: string, text: string): Promise<void> {
    try {
      const channel = await openDirectChannel(this.#client, user);
      await this.#client.chat.postMessage({ channel, text });
    } catch (error) {
      this.#logger.warn({ user, ...describeSlackError(error) }, 'could not send a direct message');
    }
  }
}

/** The bot's direct-message channel with a user (`im:write`). */
export async function openDirectChannel(client: webApi.WebClient, user: string): Promise<string> {
  const opened = await client.conversations.open({ users: user });
  const id = opened.channel?.id;
  if (!id) throw new Error('conversations.open returned no channel');
  return id;
}
