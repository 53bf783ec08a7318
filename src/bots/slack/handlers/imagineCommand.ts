import { idempotencyKey } from '../../../core/credits/accountKey.js';
import type { SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { actorOf } from '../accountOf.js';
import { describeSubmit } from '../describeSubmit.js';
import { destinationJson } from '../destination.js';
import { decide, SOMETHING_WENT_WRONG } from '../guard.js';
import { imagineUsage, parseImagineText, withUsage } from '../parseImagineText.js';
import type { SlackContext } from '../SlackContext.js';

/**
 * `/imagine <prompt> [--ar] [--res] [--model] [--n]`: parses, checks the bot can post in the
 * channel, submits, and answers in the ack itself (ephemeral): queued with its position, or why not.
 * The trigger id is the idempotency key, so a retried delivery never makes a second job.
 */
export async function imagineCommand(ctx: SlackContext, { command, ack }: Pick<SlackCommandMiddlewareArgs, 'command' | 'ack'>): Promise<void> {
  const text = await decide(ctx.logger, '/imagine', () => answer(ctx, command), SOMETHING_WENT_WRONG);
  await ack({ response_type: 'ephemeral', text });
}

async function answer(ctx: SlackContext, command: SlashCommand): Promise<string> {
  const { catalog } = ctx.core;
  if (/^(help|-h|--help)?$/i.test(command.text.trim())) return imagineUsage(catalog);
  const parsed = parseImagineText(command.text, catalog);
  if (!parsed.ok) return parsed.message;
  const actor = actorOf(command.team_id, command.user_id, command.user_name, ctx.adminIds);
  const access = await ctx.channels.check(command.channel_id);
  if (!access.ok) return access.message;
  const outcome = await ctx.core.submit({
    idempotencyKey: idempotencyKey.slackCommand(command.trigger_id),
    accountKey: actor.accountKey,
    platform: 'slack',
    displayName: actor.displayName,
    destination: destinationJson({ team: actor.team, channel: command.channel_id, user: actor.user }),
    kind: 'imagine',
    prompt: parsed.prompt,
    options: parsed.options,
    references: [],
  });
  // A value the core refuses is a mistake in the command: show what is allowed with it.
  if (!outcome.ok && outcome.refusal.code === 'invalid_request') return `:no_entry_sign: ${withUsage(catalog, outcome.refusal.message)}`;
  return describeSubmit(outcome);
}
