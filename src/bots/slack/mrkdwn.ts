import { truncate } from '../../core/text/truncate.js';

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Whitespace runs (newlines included) become single spaces, for one-line summaries. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A prompt quoted for a one-line summary, cut to `max` characters between graphemes. */
export function quotePrompt(prompt: string, max = 150): string {
  return `“${escapeMrkdwn(truncate(oneLine(prompt), max))}”`;
}
