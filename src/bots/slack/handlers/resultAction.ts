import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Job } from '../../../core/model.js';
import { actorOf, teamOf, type SlackActor } from '../accountOf.js';
import type { NoticeTarget } from '../Notifier.js';
import type { SlackContext } from '../SlackContext.js';
import { decodeResultRef, type ResultRef } from '../views/resultMessage.js';

/** A click on one of a result's buttons, resolved: who clicked, which job, which files, where. */
export interface ResultClick {
  readonly actor: SlackActor;
  readonly ref: ResultRef;
  readonly parent: Job;
  readonly target: NoticeTarget;
  readonly actionTs: string;
  /** The message holding the buttons. */
  readonly messageTs: string | undefined;
}

/** Resolves a result-button click, or says why it cannot be acted on. */
export async function resolveClick(
  ctx: SlackContext,
  body: BlockAction,
  action: ButtonAction,
): Promise<{ ok: true; click: ResultClick } | { ok: false; message: string; target: NoticeTarget | undefined }> {
  const container = body.container as { channel_id?: unknown };
  const channel = body.channel?.id ?? container.channel_id;
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const target = typeof channel === 'string' ? { channel, user: body.user.id, threadTs: message?.thread_ts } : undefined;
  const ref = decodeResultRef(action.value);
  if (!ref || !target) return { ok: false, message: 'That button is not one I understand any more. Ask for a new image.', target };
  const parent = await ctx.core.jobs.get(ref.jobId);
  if (!parent || parent.platform !== 'slack') return { ok: false, message: 'I no longer know that image.', target };
  const actor = actorOf(teamOf(body), body.user.id, body.user.name, ctx.adminIds);
  return { ok: true, click: { actor, ref, parent, target, actionTs: action.action_ts, messageTs: message?.ts } };
}
