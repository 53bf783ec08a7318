import type { InteractionEditReplyOptions, RawFile, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { OutgoingMessage } from './OutgoingMessage.js';

/** Options for `interaction.editReply`. */
export function toInteractionEdit(message: OutgoingMessage): InteractionEditReplyOptions {
  return {
    content: message.content,
    embeds: [...message.embeds],
    components: [...message.components],
    files: message.files.map((file) => ({ attachment: file.data, name: file.name })),
    allowedMentions: message.mentionUserId ? { users: [message.mentionUserId] } : { parse: [] },
  };
}

/** Body and files for `POST /channels/{id}/messages` with the bot token. */
export function toChannelPost(message: OutgoingMessage): { body: RESTPostAPIChannelMessageJSONBody; files: RawFile[] } {
  return {
    body: {
      content: message.content,
      embeds: [...message.embeds],
      components: [...message.components],
      attachments: message.files.map((file, index) => ({ id: index, filename: file.name })),
      allowed_mentions: { parse: [], users: message.mentionUserId ? [message.mentionUserId] : [], replied_user: false },
      ...(message.replyToMessageId ? { message_reference: { message_id: message.replyToMessageId, fail_if_not_exists: false } } : {}),
    },
    files: message.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType })),
  };
}
