import type { ButtonInteraction } from 'discord.js';
import type { ResultAction } from '../customIds.js';
import type { DiscordContext } from '../DiscordContext.js';
import { handleDelete } from './handleDelete.js';
import { handleDerived } from './handleDerived.js';
import { handleEditButton } from './handleEditButton.js';
import { replyEphemeral } from './replyEphemeral.js';

/** A button under a result. The job comes from the jobs table, so buttons outlive restarts. */
export async function handleResultButton(ctx: DiscordContext, interaction: ButtonInteraction, action: ResultAction, jobId: string): Promise<void> {
  const job = await ctx.core.jobs.get(jobId);
  if (action === 'delete') return handleDelete(ctx, interaction, job);
  if (!job || job.platform !== 'discord') {
    await replyEphemeral(interaction, 'That image is no longer available.');
    return;
  }
  switch (action) {
    case 'reroll':
    case 'upscale':
      return handleDerived(ctx, interaction, job, action);
    case 'edit':
      return handleEditButton(ctx, interaction, job);
  }
}
