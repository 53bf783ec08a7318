import type { ButtonInteraction } from 'discord.js';
import { deriveIntent } from '../../../core/generation/derive.js';
import type { ReferenceSource } from '../../../core/generation/types.js';
import type { Job } from '../../../core/model.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { requester } from './requester.js';
import { resultImage } from './resultImage.js';
import { startJob } from './startJob.js';

/**
 * Reroll (same prompt, options and references) or Upscale (next resolution, the result image as the
 * reference where the provider takes one): a new child job, charged to whoever pressed the button.
 */
export async function handleDerived(ctx: DiscordContext, interaction: ButtonInteraction, parent: Job, kind: 'reroll' | 'upscale'): Promise<void> {
  let references: ReferenceSource[];
  if (kind === 'reroll') {
    references = parent.request.references.flatMap((r) => (r.url ? [{ url: r.url, name: r.name }] : []));
  } else {
    const image = resultImage(interaction.message);
    references = image ? [image] : [];
  }
  const derived = deriveIntent(ctx.core.catalog, parent, kind, requester(interaction), references);
  if (!derived.ok) {
    await replyEphemeral(interaction, derived.message);
    return;
  }
  await startJob(ctx, { interaction, surface: 'public', intent: derived.intent, ...(derived.note ? { note: derived.note } : {}) });
}
