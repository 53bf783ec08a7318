import type { BlockAction, ButtonAction } from '@slack/bolt';
import { parseDestination } from '../destination.js';
import { decide } from '../guard.js';
import { describeSlackError, slackErrorCode } from '../slackErrors.js';
import type { SlackContext } from '../SlackContext.js';
import { resolveClick, type ResultClick } from './resultAction.js';

/** Delete under a result: only the person who paid for it, or an admin, may remove it. */
export async function deleteResult(ctx: SlackContext, body: BlockAction, action: ButtonAction): Promise<void> {
  const resolved = await resolveClick(ctx, body, action);
  if (!resolved.ok) {
    if (resolved.target) await ctx.notifier.tell(resolved.target, resolved.message);
    return;
  }
  const { click } = resolved;
  if (click.parent.accountKey !== click.actor.accountKey && !click.actor.isAdmin) {
    const owner = parseDestination(click.parent.destination)?.user;
    await ctx.notifier.tell(click.target, `Only ${owner ? `<@${owner}>` : 'the person who asked for it'} or an admin can delete this image.`);
    return;
  }
  const text = await decide<string | undefined>(ctx.logger, 'delete', () => remove(ctx, click), 'I couldn’t delete that image. Try again in a moment.');
  if (text !== undefined) await ctx.notifier.tell(click.target, text);
}

/**
 * Deletes the result's message, then its files; what is already gone counts as deleted. Slack
 * deletes a message once, so the message is the guard against answering twice: a repeated delivery
 * of the click (here or in another replica) finds it gone, finishes quietly and says nothing.
 */
async function remove(ctx: SlackContext, click: ResultClick): Promise<string | undefined> {
  const failures: unknown[] = [];
  let first = true;
  if (click.messageTs !== undefined) {
    try {
      await ctx.client.chat.delete({ channel: click.target.channel, ts: click.messageTs });
    } catch (error) {
      if (slackErrorCode(error) === 'message_not_found') first = false;
      else failures.push(error);
    }
  }
  const files = await Promise.allSettled(click.ref.fileIds.map((file) => ctx.client.files.delete({ file })));
  for (const r of files) if (r.status === 'rejected' && slackErrorCode(r.reason) !== 'file_not_found') failures.push(r.reason);
  for (const f of failures) ctx.logger.warn({ jobId: click.parent.id, ...describeSlackError(f) }, 'could not delete part of a result');
  if (!first) {
    ctx.logger.info({ jobId: click.parent.id }, 'delete click already answered (a repeated delivery)');
    return undefined;
  }
  return failures.length === 0 ? 'Deleted.' : 'I deleted what I could; Slack refused part of it.';
}
