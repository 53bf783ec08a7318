import type { ButtonInteraction } from 'discord.js';
import type { Job } from '../../../core/model.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { accountOf } from './requester.js';

/** Delete: the requester and bot admins only; everyone else is told so and nothing happens. */
export async function handleDelete(ctx: DiscordContext, interaction: ButtonInteraction, job: Job | undefined): Promise<void> {
  const allowed = ctx.adminIds.has(interaction.user.id) || job?.accountKey === accountOf(interaction);
  if (!allowed) {
    await replyEphemeral(interaction, 'Only the person who asked for this image (or a bot admin) can delete it.');
    return;
  }
  // For a component, the interaction's "original" message is the one the button is on.
  await interaction.deferUpdate();
  await interaction.deleteReply();
  ctx.logger.info({ jobId: job?.id }, 'result deleted');
}
