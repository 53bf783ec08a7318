import type { ChatInputCommandInteraction } from 'discord.js';
import type { DiscordContext } from '../DiscordContext.js';
import { creditsView } from '../render/accountViews.js';
import { replyEphemeral } from './replyEphemeral.js';
import { accountOf, displayNameOf } from './requester.js';

/** `/credits`: own balance, held credits, recent spending (private). */
export async function handleCredits(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const key = accountOf(interaction);
  const account = ctx.core.credits.ensureAccount(key, 'discord', displayNameOf(interaction));
  await replyEphemeral(interaction, creditsView(account, ctx.core.credits.recentLedger(key, 20)));
}
