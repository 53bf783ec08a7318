import type { BlockAction, ButtonAction } from '@slack/bolt';
import { parseDestination } from '../destination.js';
import { decide } from '../guard.js';
import { describeSlackError } from '../slackErrors.js';
import type { SlackContext } from '../SlackContext.js';
import { resolveClick } from './resultAction.js';

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
  const text = await decide(
    ctx.logger,
    'delete',
    async () => {
      const results = await Promise.allSettled([
        ...(click.messageTs === undefined ? [] : [ctx.client.chat.delete({ channel: click.target.channel, ts: click.messageTs })]),
        ...click.ref.fileIds.map((file) => ctx.client.files.delete({ file })),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failed) ctx.logger.warn({ jobId: click.parent.id, ...describeSlackError(f.reason) }, 'could not delete part of a result');
      return failed.length === 0 ? 'Deleted.' : 'I deleted what I could; Slack refused part of it.';
    },
    'I couldn’t delete that image. Try again in a moment.',
  );
  await ctx.notifier.tell(click.target, text);
}
