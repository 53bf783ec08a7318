import { segmentsOf } from './graphemes.js';

/** Appended to text that was cut; one UTF-16 code unit. */
export const ELLIPSIS = '…';

/**
 * Shortens text to at most `max` UTF-16 code units, cutting only between grapheme clusters and
 * ending with {@link ELLIPSIS} when (and only when) something was cut.
 *
 * `max` counts UTF-16 code units (JavaScript's `string.length`) because that is the largest of the
 * ways the platforms count: Discord's and Slack's limits are in "characters", which they count as
 * code points or fewer, and a string within `max` code units is within `max` code points too. Never
 * splitting a grapheme cluster keeps emoji (surrogate pairs, ZWJ sequences, flags, skin tones) and
 * combining marks whole.
 *
 * @param max - the longest result, in UTF-16 code units; below 1 the result is empty.
 * @returns `text` itself when it fits; otherwise its longest grapheme prefix that fits with the ellipsis.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const budget = Math.floor(max) - ELLIPSIS.length;
  if (budget < 0) return '';
  let end = 0;
  for (const { segment, index } of segmentsOf(text)) {
    const next = index + segment.length;
    if (next > budget) break;
    end = next;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}
