import type { ModalSubmitInteraction } from 'discord.js';
import { FIELD } from '../commands/names.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { requester } from './requester.js';
import { resultImage } from './resultImage.js';
import { startJob } from './startJob.js';
import { uploadedReferences } from './uploadedReferences.js';

/** The result Edit modal: a child `edit` job on the result image, with the parent's shape. */
export async function handleEditFormSubmit(ctx: DiscordContext, interaction: ModalSubmitInteraction, jobId: string): Promise<void> {
  const parent = ctx.core.credits.job(jobId);
  const image = resultImage(interaction.message);
  if (!parent || !image) {
    await replyEphemeral(interaction, 'That image is no longer available.');
    return;
  }
  const { request } = parent;
  await startJob(ctx, {
    interaction,
    surface: 'public',
    intent: {
      ...requester(interaction),
      kind: 'edit',
      parentId: parent.id,
      prompt: interaction.fields.getTextInputValue(FIELD.prompt),
      options: { model: request.model, aspectRatio: request.aspectRatio, resolution: request.resolution, count: 1 },
      references: [image, ...uploadedReferences(interaction)],
    },
  });
}
