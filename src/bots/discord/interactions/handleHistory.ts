import type { ChatInputCommandInteraction } from 'discord.js';
import type { DiscordContext } from '../DiscordContext.js';
import { historyView } from '../render/accountViews.js';
import { replyEphemeral } from './replyEphemeral.js';
import { accountOf } from './requester.js';

const HISTORY_LENGTH = 10;

/** `/history`: the user's recent jobs (private). */
export async function handleHistory(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const jobs = await ctx.core.jobs.history({ accountKey: accountOf(interaction), limit: HISTORY_LENGTH });
  await replyEphemeral(interaction, historyView(jobs));
}
