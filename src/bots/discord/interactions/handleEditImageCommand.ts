import type { MessageContextMenuCommandInteraction } from 'discord.js';
import { customId } from '../customIds.js';
import type { DiscordContext } from '../DiscordContext.js';
import { editModal } from '../editModal.js';
import { isImageAttachment, referenceFrom } from '../references.js';
import { replyEphemeral } from './replyEphemeral.js';

/**
 * Message command **Edit image**: remembers the target's images (their signed URLs come only with
 * this interaction) and opens the edit modal.
 */
export async function handleEditImageCommand(ctx: DiscordContext, interaction: MessageContextMenuCommandInteraction): Promise<void> {
  const target = interaction.targetMessage;
  const images = [...target.attachments.values()].filter(isImageAttachment);
  if (images.length === 0) {
    await replyEphemeral(interaction, 'That message has no image to edit (PNG, JPEG, WebP or GIF).');
    return;
  }
  const max = ctx.core.catalog.maxReferences;
  const references = images.slice(0, max).map(referenceFrom);
  ctx.forms.put(interaction.id, {
    userId: interaction.user.id,
    channelId: target.channelId,
    messageId: target.id,
    references,
  });
  await interaction.showModal(editModal(customId.messageEditForm(interaction.id), max - references.length));
}
