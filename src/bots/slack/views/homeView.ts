import type { types } from '@slack/bolt';
import type { Account, Job, JobStatus } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { quotePrompt } from '../mrkdwn.js';

const STATUS: Record<JobStatus, string> = {
  queued: ':hourglass_flowing_sand: queued',
  running: ':art: generating',
  delivering: ':outbox_tray: posting',
  succeeded: ':white_check_mark: done',
  failed: ':x: failed',
  refused: ':no_entry_sign: refused',
  cancelled: ':heavy_minus_sign: cancelled',
  interrupted: ':warning: interrupted',
};

/** App Home: balance, held credits and recent jobs. */
export function homeView(account: Account, jobs: readonly Job[]): types.HomeView {
  const lines = jobs.map((job) => {
    const when = Math.floor(job.createdAt / 1000);
    const cost = job.status === 'succeeded' ? job.captured : job.held;
    const charged = job.status === 'succeeded' || job.held > 0 ? ` · ${plural(cost, 'credit')}` : '';
    return `${STATUS[job.status]} · ${job.kind} · ${quotePrompt(job.request.prompt, 80)} · ${job.request.resolution}${charged} · <!date^${when}^{date_short_pretty} {time}|${new Date(job.createdAt).toISOString()}>`;
  });
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'nano-imagine' } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Balance*\n${plural(account.balance, 'credit')}` },
          { type: 'mrkdwn', text: `*Held for running jobs*\n${plural(account.held, 'credit')}` },
        ],
      },
      { type: 'divider' },
      { type: 'section', text: { type: 'mrkdwn', text: '*Recent jobs*' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: lines.length > 0 ? lines.join('\n') : '_None yet. Try `/imagine a koi pond at dawn`._' },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'Use `/imagine`, the *Generate image* shortcut, or *Edit image* on a message with images.' }],
      },
    ],
  };
}
