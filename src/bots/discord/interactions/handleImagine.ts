import type { ChatInputCommandInteraction } from 'discord.js';
import { imageOptionNames } from '../commands/catalogChoices.js';
import { OPTION } from '../commands/names.js';
import type { DiscordContext } from '../DiscordContext.js';
import { referenceFrom } from '../references.js';
import { requester } from './requester.js';
import { startJob } from './startJob.js';

/** `/imagine`: a new image from a prompt and optional reference attachments. */
export async function handleImagine(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const o = interaction.options;
  const references = imageOptionNames(ctx.core.catalog).flatMap((name) => {
    const attachment = o.getAttachment(name);
    return attachment ? [referenceFrom(attachment)] : [];
  });
  await startJob(ctx, {
    interaction,
    surface: 'public',
    intent: {
      ...requester(interaction),
      kind: 'imagine',
      prompt: o.getString(OPTION.prompt, true),
      options: {
        aspectRatio: o.getString(OPTION.aspectRatio) ?? undefined,
        resolution: o.getString(OPTION.resolution) ?? undefined,
        model: o.getString(OPTION.model) ?? undefined,
        count: o.getInteger(OPTION.count) ?? undefined,
      },
      references,
    },
  });
}
