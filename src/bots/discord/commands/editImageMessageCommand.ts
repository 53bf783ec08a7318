import { ApplicationCommandType, type RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord.js';
import { COMMAND } from './names.js';

/** Message command **Edit image**: right-click a message with images → a modal for the prompt. */
export const editImageMessageCommand = {
  type: ApplicationCommandType.Message,
  name: COMMAND.editImage,
} satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;
