import type { ModalSubmitInteraction } from 'discord.js';
import { FIELD } from '../commands/names.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { requester } from './requester.js';
import { startJob } from './startJob.js';
import { uploadedReferences } from './uploadedReferences.js';

/**
 * The **Edit image** modal: the job uses the target message's images (and any uploads); the user is
 * answered privately and the result replies to the target message in the channel.
 */
export async function handleMessageEditSubmit(ctx: DiscordContext, interaction: ModalSubmitInteraction, formId: string): Promise<void> {
  const form = ctx.forms.take(formId, interaction.user.id);
  if (!form) {
    await replyEphemeral(interaction, 'This form has expired. Use **Edit image** on the message again.');
    return;
  }
  await startJob(ctx, {
    interaction,
    surface: 'ephemeral',
    replyToMessageId: form.messageId,
    intent: {
      ...requester(interaction, form.messageId),
      kind: 'edit',
      prompt: interaction.fields.getTextInputValue(FIELD.prompt),
      options: {},
      references: [...form.references, ...uploadedReferences(interaction)],
    },
  });
}
