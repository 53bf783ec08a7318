import { MessageFlags } from 'discord.js';
import type { Replier } from '../jobs/Replier.js';

/** A short private answer, whether or not the interaction was answered already. Never pings anyone. */
export async function replyEphemeral(replier: Replier, content: string): Promise<void> {
  const options = { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } } as const;
  if (replier.deferred || replier.replied) await replier.followUp(options);
  else await replier.reply(options);
}
