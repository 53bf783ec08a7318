/**
 * What a joiner (U+200C ZWNJ, U+200D ZWJ) may sit between and still mean something: letters and marks
 * (Persian, Kurdish and Indic spelling use both) and emoji — a pictograph, a skin-tone modifier or the
 * emoji variation selector before it, a pictograph after it (👩‍💻, 🏳️‍🌈, 👩🏽‍💻).
 */
const JOINS_AFTER = String.raw`[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]`;
const JOINS_BEFORE = String.raw`[\p{L}\p{M}\p{Extended_Pictographic}]`;

/** A joiner with nothing to join on one side (at an edge, beside a space, beside another joiner). */
const STRAY_JOINER = new RegExp(String.raw`(?<!${JOINS_AFTER})[\u200C\u200D]|[\u200C\u200D](?!${JOINS_BEFORE})`, 'gu');
/** Zero-width characters that never carry meaning in a prompt: space, word joiner, BOM. */
const ZERO_WIDTH = /[\u200B\u2060\uFEFF]/g;
/** C0 and C1 controls and DEL (`\p{Cc}`), except the newline; tabs and CRs are replaced before this runs. */
const CONTROLS = /(?!\n)\p{Cc}/gu;

/**
 * A prompt as the product stores and sends it: NFC-normalised, line breaks as `\n`, tabs as spaces,
 * with zero-width characters and control characters removed, trimmed. A prompt that is empty after
 * this had no real text in it.
 *
 * U+200D (ZWJ) and U+200C (ZWNJ) are not simply stripped: ZWJ binds emoji sequences (👩‍💻 would fall
 * apart into 👩💻) and both are part of correct spelling in Persian and Indic scripts. They are kept
 * where they join two letters or emoji and removed anywhere else, where they can only hide text.
 */
export function normalizePrompt(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '')
    .replace(ZERO_WIDTH, '')
    .replace(STRAY_JOINER, '')
    .trim();
}
