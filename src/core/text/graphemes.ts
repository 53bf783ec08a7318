/** Grapheme clusters are locale-independent in practice (UAX #29); one segmenter serves every caller. */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits text into grapheme clusters: what a person sees as one character, such as `é` written as
 * `e` + U+0301, a flag (two regional indicators) or a family emoji joined by U+200D.
 */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (part) => part.segment);
}

/** The grapheme clusters of `text` with their offsets, lazily: a caller that stops early segments no further. */
export function segmentsOf(text: string): Iterable<{ readonly segment: string; readonly index: number }> {
  return segmenter.segment(text);
}
