import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { actorOf } from '../accountOf.js';
import { decide, SOMETHING_WENT_WRONG } from '../guard.js';
import { plural } from '../../../core/text/plural.js';
import { quotePrompt } from '../mrkdwn.js';
import type { SlackContext } from '../SlackContext.js';

const RECENT = 5;

/** `/credits`: the caller's balance, held credits and recent jobs, ephemerally. */
export async function creditsCommand(ctx: SlackContext, { command, ack }: Pick<SlackCommandMiddlewareArgs, 'command' | 'ack'>): Promise<void> {
  const text = await decide(
    ctx.logger,
    '/credits',
    async () => {
      const actor = actorOf(command.team_id, command.user_id, command.user_name, ctx.adminIds);
      const { account } = await ctx.core.credits.show(actor.accountKey, { platform: 'slack', displayName: actor.displayName, ledger: 0 });
      const jobs = await ctx.core.jobs.history({ accountKey: actor.accountKey, limit: RECENT });
      const lines = [`*Balance:* ${plural(account.balance, 'credit')} · *held for running jobs:* ${account.held}`];
      if (jobs.length > 0) {
        lines.push('*Recent:*');
        for (const job of jobs) {
          const spent = job.status === 'succeeded' ? plural(job.captured, 'credit') : job.held > 0 ? `${job.held} held` : 'nothing charged';
          lines.push(`• ${job.status} · ${quotePrompt(job.request.prompt, 60)} · ${spent}`);
        }
      }
      return lines.join('\n');
    },
    SOMETHING_WENT_WRONG,
  );
  await ack({ response_type: 'ephemeral', text });
}
