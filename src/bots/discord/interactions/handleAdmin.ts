import type { ChatInputCommandInteraction } from 'discord.js';
import { accountKey } from '../../../core/credits/accountKey.js';
import type { Account } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { ADMIN_SUBCOMMAND, OPTION } from '../commands/names.js';
import type { DiscordContext } from '../DiscordContext.js';
import { replyEphemeral } from './replyEphemeral.js';
import { accountOf } from './requester.js';

const describe = (userId: string, account: Account): string =>
  `<@${userId}> has ${plural(account.balance, 'credit')}${account.held > 0 ? ` (${account.held} held)` : ''}.`;

/** `/admin grant|set|balance` for `DISCORD_ADMIN_IDS`; anyone else is refused and nothing changes. */
export async function handleAdmin(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!ctx.adminIds.has(interaction.user.id)) {
    ctx.logger.warn('refused /admin to a non-admin');
    await replyEphemeral(interaction, 'Only the bot’s admins can use /admin.');
    return;
  }
  const o = interaction.options;
  const user = o.getUser(OPTION.user, true);
  const key = accountKey.discord(user.id);
  const action = { actor: accountOf(interaction), reason: o.getString(OPTION.reason) };
  const { credits } = ctx.core;
  switch (o.getSubcommand(true)) {
    case ADMIN_SUBCOMMAND.grant: {
      const amount = o.getInteger(OPTION.amount, true);
      const account = await credits.grant(key, amount, action);
      ctx.logger.info({ target: key, amount }, 'admin granted credits');
      await replyEphemeral(interaction, `Granted ${plural(amount, 'credit')}. ${describe(user.id, account)}`);
      return;
    }
    case ADMIN_SUBCOMMAND.set: {
      const amount = o.getInteger(OPTION.amount, true);
      const account = await credits.set(key, amount, action);
      ctx.logger.info({ target: key, amount }, 'admin set a balance');
      await replyEphemeral(interaction, `Balance set. ${describe(user.id, account)}`);
      return;
    }
    case ADMIN_SUBCOMMAND.balance:
      await replyEphemeral(interaction, describe(user.id, (await credits.show(key, { platform: 'discord', displayName: user.globalName ?? user.username, ledger: 0 })).account));
      return;
    default:
      await replyEphemeral(interaction, 'Unknown /admin action.');
  }
}
