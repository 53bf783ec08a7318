import type { ViewSubmitAction } from '@slack/bolt';
import { ValidationError } from '../../../core/errors.js';
import type { GenerationIntent, ReferenceSource } from '../../../core/generation/types.js';
import { truncate } from '../../../core/text/truncate.js';
import { actorOf, teamOf, type SlackActor } from '../accountOf.js';
import { describeSubmit } from '../describeSubmit.js';
import { describeSlackError } from '../slackErrors.js';
import type { SlackContext } from '../SlackContext.js';
import type { SlackFileLike } from '../SlackFiles.js';
import type { NoticeTarget } from '../Notifier.js';

/** The answer to a view submission: field errors that keep the modal open, or a notice once it closes. */
export type ModalDecision =
  | { readonly kind: 'errors'; readonly errors: Readonly<Record<string, string>> }
  | { readonly kind: 'accepted'; readonly notice: string; readonly target: NoticeTarget; readonly duplicate: boolean };

export function fieldError(block: string, message: string): ModalDecision {
  // Slack shows modal errors under the field; long ones are cut, so keep them short.
  return { kind: 'errors', errors: { [block]: truncate(message, 300) } };
}

export function actorOfView(ctx: SlackContext, body: ViewSubmitAction): SlackActor {
  return actorOf(teamOf(body), body.user.id, body.user.name, ctx.adminIds);
}

/** Reference sources for Slack files; a file Slack will not describe, or stored elsewhere, becomes a field error. */
export async function referencesFor(
  ctx: SlackContext,
  files: readonly SlackFileLike[],
): Promise<{ ok: true; references: ReferenceSource[] } | { ok: false; message: string }> {
  try {
    return { ok: true, references: await Promise.all(files.map((f) => ctx.files.reference(f))) };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, message: error.message };
    const { code } = describeSlackError(error);
    ctx.logger.warn({ code }, 'could not resolve Slack files');
    return { ok: false, message: `I couldn’t read the image files (Slack said: ${code}). Try again, or share the images again.` };
  }
}

/**
 * Submits a modal's intent. The view id is the idempotency key: a retried submission returns the
 * job it already made. A refusal becomes a field error on `errorBlock`.
 */
export async function submitIntent(ctx: SlackContext, intent: GenerationIntent, errorBlock: string, target: NoticeTarget): Promise<ModalDecision> {
  const outcome = await ctx.core.submit(intent);
  if (!outcome.ok) return fieldError(errorBlock, outcome.refusal.message);
  return { kind: 'accepted', notice: describeSubmit(outcome), target, duplicate: outcome.duplicate };
}
