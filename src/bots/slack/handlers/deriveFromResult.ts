import type { BlockAction, ButtonAction } from '@slack/bolt';
import { idempotencyKey } from '../../../core/credits/accountKey.js';
import { ValidationError } from '../../../core/errors.js';
import type { ReferenceSource } from '../../../core/generation/types.js';
import { describeSubmit } from '../describeSubmit.js';
import { destinationJson, parseDestination } from '../destination.js';
import { decide, SOMETHING_WENT_WRONG } from '../guard.js';
import type { SlackContext } from '../SlackContext.js';
import { resolveClick, type ResultClick } from './resultAction.js';

/**
 * Reroll or Upscale under a result: a child job of the clicked one, charged to whoever clicked,
 * posted where the parent was. The click's `action_ts` is the idempotency key, and the database's
 * unique key the guard across replicas: a repeated delivery of the click — here or in another
 * process — finds the job already made and says nothing more.
 */
export async function deriveFromResult(ctx: SlackContext, kind: 'reroll' | 'upscale', body: BlockAction, action: ButtonAction): Promise<void> {
  const resolved = await resolveClick(ctx, body, action);
  if (!resolved.ok) {
    if (resolved.target) await ctx.notifier.tell(resolved.target, resolved.message);
    return;
  }
  const { click } = resolved;
  const text = await decide<string | undefined>(ctx.logger, kind, () => submitChild(ctx, kind, click), SOMETHING_WENT_WRONG);
  if (text !== undefined) await ctx.notifier.tell(click.target, text);
}

/** The answer to the click, or undefined when a delivery before this one already made (and answered) its job. */
async function submitChild(ctx: SlackContext, kind: 'reroll' | 'upscale', click: ResultClick): Promise<string | undefined> {
  const { parent, actor } = click;
  const where = parseDestination(parent.destination);
  if (!where) return 'I no longer know where that image was posted.';
  const access = await ctx.channels.check(where.channel);
  if (!access.ok) return access.message;
  const request =
    kind === 'reroll'
      ? { kind, stored: (r: { name: string; url: string }) => ctx.files.referenceForUrl(r.url, r.name) }
      : { kind, result: await resultFile(ctx, click) };
  const base = {
    idempotencyKey: idempotencyKey.slackAction(actor.team, actor.user, click.actionTs),
    accountKey: actor.accountKey,
    platform: 'slack',
    displayName: actor.displayName,
    destination: destinationJson({ ...where, user: actor.user }),
  } as const;
  let derived: ReturnType<typeof ctx.core.derive>;
  try {
    derived = ctx.core.derive(parent, request, base);
  } catch (error) {
    // A stored reference that is not a Slack file (`foreign_file`): refused before anything is held.
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  if (!derived.ok) return derived.message;
  const outcome = await ctx.core.submit(derived.intent);
  if (outcome.ok && outcome.duplicate) {
    ctx.logger.info({ jobId: outcome.job.id }, `${kind} click already answered (a repeated delivery)`);
    return undefined;
  }
  return describeSubmit(outcome, derived.note);
}

/** The clicked result's first image, fetched with the bot token; undefined when it was deleted. */
async function resultFile(ctx: SlackContext, click: ResultClick): Promise<ReferenceSource | undefined> {
  const first = click.ref.fileIds[0];
  if (first === undefined) return undefined;
  try {
    return await ctx.files.reference({ id: first });
  } catch {
    return undefined;
  }
}
