import type { ChatInputCommandInteraction } from 'discord.js';
import type { DiscordContext } from '../DiscordContext.js';
import { creditsView } from '../render/accountViews.js';
import { replyEphemeral } from './replyEphemeral.js';
import { accountOf, displayNameOf } from './requester.js';

/** `/credits`: own balance, held credits, recent spending (private). */
export async function handleCredits(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const statement = await ctx.core.credits.show(accountOf(interaction), { platform: 'discord', displayName: displayNameOf(interaction), ledger: 20 });
  await replyEphemeral(interaction, creditsView(statement.account, statement.ledger));
}
