import type { SlackEventMiddlewareArgs } from '@slack/bolt';
import { actorOf } from '../accountOf.js';
import { decide } from '../guard.js';
import type { SlackContext } from '../SlackContext.js';
import { homeView } from '../views/homeView.js';

const RECENT_JOBS = 10;

/** App Home opened: publish the user's balance, held credits and recent jobs. */
export async function appHomeOpened(ctx: SlackContext, { event, body }: Pick<SlackEventMiddlewareArgs<'app_home_opened'>, 'event' | 'body'>): Promise<void> {
  if (event.tab !== 'home') return;
  await decide(
    ctx.logger,
    'app_home_opened',
    async () => {
      const actor = actorOf(body.team_id, event.user, undefined, ctx.adminIds);
      const { account } = await ctx.core.credits.show(actor.accountKey, { platform: 'slack', ledger: 0 });
      const jobs = await ctx.core.jobs.history({ accountKey: actor.accountKey, limit: RECENT_JOBS });
      await ctx.client.views.publish({ user_id: event.user, view: homeView(account, jobs) });
    },
    undefined,
  );
}
