import type { ButtonInteraction } from 'discord.js';
import type { Job } from '../../../core/model.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { requester } from './requester.js';
import { resultImage } from './resultImage.js';
import { startJob } from './startJob.js';

/** Reroll or Upscale under a result: a new child job, charged to whoever pressed the button. */
export async function handleDerived(ctx: DiscordContext, interaction: ButtonInteraction, parent: Job, kind: 'reroll' | 'upscale'): Promise<void> {
  const request = kind === 'reroll' ? { kind } : { kind, result: resultImage(interaction.message) };
  const derived = ctx.core.derive(parent, request, requester(interaction));
  if (!derived.ok) {
    await replyEphemeral(interaction, derived.message);
    return;
  }
  await startJob(ctx, { interaction, surface: 'public', intent: derived.intent, ...(derived.note ? { note: derived.note } : {}) });
}
