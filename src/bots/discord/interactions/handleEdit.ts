import type { ChatInputCommandInteraction } from 'discord.js';
import { OPTION } from '../commands/names.js';
import type { DiscordContext } from '../DiscordContext.js';
import { referenceFrom } from '../references.js';
import { requester } from './requester.js';
import { startJob } from './startJob.js';

/** `/edit image prompt …`: an edit of the attached image, with optional extra references. */
export async function handleEdit(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const o = interaction.options;
  const attachments = [o.getAttachment(OPTION.image, true), o.getAttachment(OPTION.image2), o.getAttachment(OPTION.image3)];
  await startJob(ctx, {
    interaction,
    surface: 'public',
    intent: {
      ...requester(interaction),
      kind: 'edit',
      prompt: o.getString(OPTION.prompt, true),
      options: { aspectRatio: o.getString(OPTION.aspectRatio) ?? undefined, resolution: o.getString(OPTION.resolution) ?? undefined },
      references: attachments.flatMap((a) => (a ? [referenceFrom(a)] : [])),
    },
  });
}
