import { MessageFlags, type BaseInteraction } from 'discord.js';
import type { GenerationIntent, SubmitOutcome } from '../../../core/generation/types.js';
import { FOREIGN_REFERENCE_TEXT } from '../../../core/userText.js';
import { fromDiscordOnly } from '../attachmentOrigins.js';
import type { DiscordContext } from '../DiscordContext.js';
import type { Replier } from '../jobs/Replier.js';
import { replyEphemeral } from './replyEphemeral.js';

/** Bots may upload 10 MiB per file unless the interaction says more (server boosts). */
const DEFAULT_FILE_LIMIT = 10 * 1024 * 1024;

export interface JobStart {
  readonly interaction: BaseInteraction & Replier;
  readonly intent: GenerationIntent;
  readonly surface: 'public' | 'ephemeral';
  readonly replyToMessageId?: string;
  readonly note?: string;
}

/**
 * Submits a job and acknowledges the interaction (DESIGN §3 step 1): a refusal is answered privately
 * before anything public happens; an accepted job gets a deferred reply at once, which its presenter
 * then edits.
 */
export async function startJob(ctx: DiscordContext, start: JobStart): Promise<void> {
  const { interaction } = start;
  // Only Discord's CDN is downloaded from: a link elsewhere is refused before anything is held.
  if (!fromDiscordOnly(start.intent.references, ctx.attachmentOrigins)) {
    ctx.logger.info({ refusal: 'foreign_reference' }, 'job refused');
    await replyEphemeral(interaction, FOREIGN_REFERENCE_TEXT.foreign_reference);
    return;
  }
  const presenter = ctx.presenters.create({
    replier: interaction,
    surface: start.surface,
    channelId: interaction.channelId ?? '',
    userId: interaction.user.id,
    maxFileBytes: interaction.attachmentSizeLimit > 0 ? interaction.attachmentSizeLimit : DEFAULT_FILE_LIMIT,
    ...(start.replyToMessageId ? { replyToMessageId: start.replyToMessageId } : {}),
    ...(start.note ? { note: start.note } : {}),
  });
  let outcome: SubmitOutcome;
  try {
    outcome = await ctx.core.submit(start.intent, presenter.listener);
  } catch (error) {
    presenter.discard();
    throw error;
  }
  if (!outcome.ok) {
    presenter.discard();
    ctx.logger.info({ refusal: outcome.refusal.code }, 'job refused');
    await replyEphemeral(interaction, outcome.refusal.message);
    return;
  }
  if (outcome.duplicate) {
    // The same interaction delivered twice: the first delivery owns the job and its messages.
    presenter.discard();
    ctx.logger.info({ jobId: outcome.job.id }, 'duplicate interaction ignored');
    return;
  }
  const acknowledged = presenter.acknowledge(() => interaction.deferReply(start.surface === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}));
  // Logged once the deferral is on its way: the 3-second window matters more than the log line.
  ctx.logger.info({ jobId: outcome.job.id, position: outcome.position }, 'job accepted');
  await acknowledged;
}
