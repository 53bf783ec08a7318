import type { JobEvent } from '../../../core/generation/types.js';
import { plural } from '../../../core/text/plural.js';

/** What the deferred reply says while a job waits (position 1 is next). */
export function queuedText(position: number): string {
  return `Waiting in line: #${position}`;
}

export const GENERATING_TEXT = 'Generating…';

/** A failure as the user reads it: the core's short reason, and what came back. */
export function failureText(event: Extract<JobEvent, { type: 'failed' }>): string {
  const refund =
    event.refunded > 0 && !/returned|refunded/i.test(event.message)
      ? ` Your ${plural(event.refunded, 'credit was', 'credits were')} returned.`
      : '';
  return `${event.message}${refund}`;
}

/** Told in the channel when a restart interrupted a job. */
export function interruptedText(userId: string, prompt: string, released: number): string {
  const credits = released > 0 ? ` Your ${plural(released, 'credit was', 'credits were')} returned.` : '';
  return `<@${userId}> the bot restarted before your image “${prompt}” was finished.${credits} Please run the command again.`;
}
