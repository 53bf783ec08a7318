import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';

export interface OutgoingFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
}

/**
 * A message as the adapter renders it, before it is sent: through the interaction (edit of the
 * deferred reply) or through the channel with the bot token (late results, message-command results,
 * restart notices). One shape, so both paths render the same thing.
 */
export interface OutgoingMessage {
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
  readonly components: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
  readonly files: readonly OutgoingFile[];
  /** The one user this message may ping; nobody else is ever mentioned (prompts are user text). */
  readonly mentionUserId?: string;
  /** Channel messages only: the message this one replies to. */
  readonly replyToMessageId?: string;
}

export function textMessage(content: string, mentionUserId?: string): OutgoingMessage {
  return { content, embeds: [], components: [], files: [], ...(mentionUserId ? { mentionUserId } : {}) };
}
