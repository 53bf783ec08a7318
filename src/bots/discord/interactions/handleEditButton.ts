import type { ButtonInteraction } from 'discord.js';
import type { Job } from '../../../core/model.js';
import { customId } from '../customIds.js';
import type { DiscordContext } from '../DiscordContext.js';
import { editModal } from '../editModal.js';

/** Edit under a result: a modal for a new prompt on this image (plus optional uploads). */
export async function handleEditButton(ctx: DiscordContext, interaction: ButtonInteraction, job: Job): Promise<void> {
  await interaction.showModal(editModal(customId.editForm(job.id), ctx.core.catalog.maxReferences - 1));
}
