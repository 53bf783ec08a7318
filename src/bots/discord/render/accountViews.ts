import { isUnsettled } from '../../../core/model.js';
import { escapeMarkdown, time, TimestampStyles } from 'discord.js';
import type { Account, Job, LedgerEntry } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { truncate } from '../../../core/text/truncate.js';

const credits = (n: number): string => plural(n, 'credit');
const when = (ms: number): string => time(Math.floor(ms / 1000), TimestampStyles.RelativeTime);

function ledgerLine(entry: LedgerEntry): string | undefined {
  switch (entry.kind) {
    case 'capture':
      return `−${credits(-entry.heldDelta)} spent`;
    case 'release':
      return `+${credits(entry.delta)} returned`;
    case 'grant':
      return `+${credits(entry.delta)} granted`;
    case 'adjust':
      return `balance set by an admin (${entry.delta >= 0 ? '+' : '−'}${Math.abs(entry.delta)})`;
    case 'starting':
      return `+${credits(entry.delta)} to start with`;
    case 'hold':
      // A hold is always followed by a capture or a release; those are what the user cares about.
      return undefined;
  }
}

/** `/credits`: balance, held credits and recent movements. */
export function creditsView(account: Account, ledger: readonly LedgerEntry[]): string {
  const lines = [`**Balance:** ${credits(account.balance)}${account.held > 0 ? ` · **Held:** ${account.held} for images in progress` : ''}`];
  const recent = ledger.flatMap((entry) => {
    const line = ledgerLine(entry);
    return line ? [`${when(entry.at)} ${line}`] : [];
  });
  if (recent.length > 0) lines.push('**Recent:**', ...recent.slice(0, 8));
  return lines.join('\n');
}

/** `/history`: the user's recent jobs, newest first. */
export function historyView(jobs: readonly Job[]): string {
  if (jobs.length === 0) return 'No images yet. Try `/imagine`.';
  return jobs
    .map((job) => {
      const cost = job.status === 'succeeded' ? credits(job.captured) : isUnsettled(job) ? `${credits(job.cost)} held` : 'nothing charged';
      return `${when(job.createdAt)} · ${job.kind} · ${job.status} · ${cost} · “${escapeMarkdown(truncate(job.request.prompt, 60))}”`;
    })
    .join('\n');
}
