import type { Interaction } from 'discord.js';
import { COMMAND } from '../commands/names.js';
import { parseCustomId } from '../customIds.js';
import type { DiscordContext } from '../DiscordContext.js';
import { handleAdmin } from './handleAdmin.js';
import { handleCredits } from './handleCredits.js';
import { handleEdit } from './handleEdit.js';
import { handleEditFormSubmit } from './handleEditFormSubmit.js';
import { handleEditImageCommand } from './handleEditImageCommand.js';
import { handleHistory } from './handleHistory.js';
import { handleImagine } from './handleImagine.js';
import { handleMessageEditSubmit } from './handleMessageEditSubmit.js';
import { handleResultButton } from './handleResultButton.js';
import { replyEphemeral } from './replyEphemeral.js';

const STALE = 'This action is no longer available.';

/** Sends each interaction to its handler by kind and name (or custom id). */
export async function routeInteraction(ctx: DiscordContext, interaction: Interaction): Promise<void> {
  if (interaction.isChatInputCommand()) {
    switch (interaction.commandName) {
      case COMMAND.imagine:
        return handleImagine(ctx, interaction);
      case COMMAND.edit:
        return handleEdit(ctx, interaction);
      case COMMAND.credits:
        return handleCredits(ctx, interaction);
      case COMMAND.history:
        return handleHistory(ctx, interaction);
      case COMMAND.admin:
        return handleAdmin(ctx, interaction);
      default:
        return replyEphemeral(interaction, STALE);
    }
  }
  if (interaction.isMessageContextMenuCommand() && interaction.commandName === COMMAND.editImage) {
    return handleEditImageCommand(ctx, interaction);
  }
  if (interaction.isButton()) {
    const id = parseCustomId(interaction.customId);
    if (id?.kind === 'result') return handleResultButton(ctx, interaction, id.action, id.jobId);
    return replyEphemeral(interaction, STALE);
  }
  if (interaction.isModalSubmit()) {
    const id = parseCustomId(interaction.customId);
    if (id?.kind === 'editForm') return handleEditFormSubmit(ctx, interaction, id.jobId);
    if (id?.kind === 'messageEditForm') return handleMessageEditSubmit(ctx, interaction, id.formId);
    return replyEphemeral(interaction, STALE);
  }
  if (interaction.isRepliable()) await replyEphemeral(interaction, STALE);
}
