import type { types } from '@slack/bolt';
import type { DeliveryCharge, Job } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { SLACK_IDS } from '../ids.js';
import { quotePrompt } from '../mrkdwn.js';

/**
 * What the result buttons carry: the job and the files posted for it. Everything a button needs
 * lives in the message itself, so the buttons keep working after a restart.
 */
export interface ResultRef {
  readonly jobId: string;
  readonly fileIds: readonly string[];
}

export function encodeResultRef(ref: ResultRef): string {
  return JSON.stringify({ j: ref.jobId, f: ref.fileIds });
}

export function decodeResultRef(value: string | undefined): ResultRef | undefined {
  if (value === undefined) return undefined;
  try {
    const { j, f } = JSON.parse(value) as { j?: unknown; f?: unknown };
    if (typeof j !== 'string' || !Array.isArray(f) || !f.every((x): x is string => typeof x === 'string')) return undefined;
    return { jobId: j, fileIds: f };
  } catch {
    return undefined;
  }
}

/** The one-line summary shared with the images: prompt, who, model, ratio, resolution, cost, balance, time. */
export function resultSummary(job: Job, charge: DeliveryCharge, durationMs: number, user: string): string {
  const r = job.request;
  const seconds = (durationMs / 1000).toFixed(1);
  const credits = (n: number): string => plural(n, 'credit');
  return `${quotePrompt(r.prompt)} for <@${user}> · ${r.model} · ${r.aspectRatio} · ${r.resolution} · ${credits(charge.credits)} · ${credits(charge.balance)} left · ${seconds} s`;
}

/** The buttons under a result. Upscale is left out when there is no larger resolution. */
export function resultButtons(ref: ResultRef, canUpscale: boolean): types.KnownBlock[] {
  const value = encodeResultRef(ref);
  const button = (actionId: string, label: string, extra: Partial<types.Button> = {}): types.Button => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value,
    ...extra,
  });
  const { actions } = SLACK_IDS;
  return [
    {
      type: 'actions',
      block_id: 'result',
      elements: [
        button(actions.reroll, 'Reroll'),
        ...(canUpscale ? [button(actions.upscale, 'Upscale')] : []),
        button(actions.delete, 'Delete', {
          style: 'danger',
          confirm: {
            title: { type: 'plain_text', text: 'Delete this image?' },
            text: { type: 'plain_text', text: 'The image and its buttons are removed for everyone.' },
            confirm: { type: 'plain_text', text: 'Delete' },
            deny: { type: 'plain_text', text: 'Keep' },
          },
        }),
      ],
    },
  ];
}
