import { Routes, type REST } from 'discord.js';
import type { OutgoingMessage } from '../render/OutgoingMessage.js';
import { toChannelPost } from '../render/toPayloads.js';

/** Posts a message to a channel with the bot token (no interaction token needed, never ephemeral). */
export type ChannelPoster = (channelId: string, message: OutgoingMessage) => Promise<void>;

export function restChannelPoster(rest: REST): ChannelPoster {
  return async (channelId, message) => {
    const { body, files } = toChannelPost(message);
    await rest.post(Routes.channelMessages(channelId), { body, files });
  };
}

/** Sends a direct message with the bot token (opens the DM channel first; Discord returns the same one each time). */
export type DirectPoster = (userId: string, message: OutgoingMessage) => Promise<void>;

export function restDirectPoster(rest: REST): DirectPoster {
  const post = restChannelPoster(rest);
  return async (userId, message) => {
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    await post(channel.id, message);
  };
}
