import type { JobEvent } from '../../../core/generation/types.js';
import { refundText } from '../../../core/userText.js';

/** What the deferred reply says while a job waits (position 1 is next). */
export function queuedText(position: number): string {
  return `Waiting in line: #${position}`;
}

export const GENERATING_TEXT = 'Generating…';

/** A failure as the user reads it: the core's short reason, and what came back. */
export function failureText(event: Extract<JobEvent, { type: 'failed' }>): string {
  return [event.message, refundText(event.refunded)].filter(Boolean).join(' ');
}
