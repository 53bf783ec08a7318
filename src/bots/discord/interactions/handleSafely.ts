import type { Interaction } from 'discord.js';
import { AppError } from '../../../core/errors.js';
import type { DiscordContext } from '../DiscordContext.js';
import { describeError } from '../logSafe.js';
import { replyEphemeral } from './replyEphemeral.js';
import { routeInteraction } from './routeInteraction.js';

const INTERNAL = 'Something went wrong on our side. Try again in a moment.';

/**
 * Runs one interaction and never rejects: nothing a user sends may crash the process. Product errors
 * (which carry messages written for users) are shown privately; anything else is logged and answered
 * with a generic line.
 */
export async function handleSafely(ctx: DiscordContext, interaction: Interaction): Promise<void> {
  try {
    await routeInteraction(ctx, interaction);
  } catch (error) {
    const known = error instanceof AppError;
    if (known) ctx.logger.info({ code: error.code }, 'interaction refused');
    else ctx.logger.error({ err: describeError(error) }, 'interaction handler failed');
    if (!interaction.isRepliable()) return;
    try {
      await replyEphemeral(interaction, known ? error.message : INTERNAL);
    } catch (replyError) {
      ctx.logger.warn({ err: describeError(replyError) }, 'could not tell the user about the failure');
    }
  }
}
