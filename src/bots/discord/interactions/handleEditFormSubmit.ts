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
  const parent = await ctx.core.jobs.get(jobId);
  if (!parent) {
    await replyEphemeral(interaction, 'That image is no longer available.');
    return;
  }
  const derived = ctx.core.derive(
    parent,
    {
      kind: 'edit',
      result: resultImage(interaction.message),
      prompt: interaction.fields.getTextInputValue(FIELD.prompt),
      uploads: uploadedReferences(interaction),
    },
    requester(interaction),
  );
  if (!derived.ok) {
    await replyEphemeral(interaction, derived.message);
    return;
  }
  await startJob(ctx, { interaction, surface: 'public', intent: derived.intent });
}
