import { isUnsettled } from '../../core/model.js';
import type { SubmitOutcome } from '../../core/generation/types.js';
import { plural } from '../../core/text/plural.js';
import { quotePrompt } from './mrkdwn.js';

/** The short ephemeral answer to a submit: queued with its position, already queued, or why not. */
export function describeSubmit(outcome: SubmitOutcome, note?: string): string {
  if (!outcome.ok) return `:no_entry_sign: ${outcome.refusal.message}`;
  const { job, position } = outcome;
  const r = job.request;
  if (outcome.duplicate) {
    return `That request was already received (${isUnsettled(job) ? 'it is on its way' : `it ${job.status}`}); nothing more was charged.`;
  }
  const images = plural(r.count, 'image');
  // Position 0 means the job started at once: nothing is ahead of it.
  const where = position > 0 ? `:hourglass_flowing_sand: Queued (position ${position})` : ':art: Queued, generating now';
  const lines = [`${where}: ${quotePrompt(r.prompt, 100)} · ${r.aspectRatio} · ${r.resolution} · ${images} · ${plural(job.cost, 'credit')} held.`];
  if (note) lines.push(note);
  return lines.join('\n');
}
