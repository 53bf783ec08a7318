import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphemes } from '../../../src/core/text/graphemes.js';
import { ELLIPSIS, truncate } from '../../../src/core/text/truncate.js';

const FAMILY = '👨‍👩‍👧'; // man ZWJ woman ZWJ girl: 8 code units, one grapheme
const FLAG = '🇫🇷'; // two regional indicators: 4 code units
const THUMB = '👍🏽'; // thumbs up + skin tone modifier: 4 code units
const E_ACUTE = 'e\u0301'; // e + combining acute accent: 2 code units

/** Texts built from the pieces that are easy to cut wrongly, plus plain letters, spaces and ellipses. */
const tricky = fc
  .array(fc.constantFrom('a', 'b', ' ', '…', '🐟', FAMILY, FLAG, THUMB, E_ACUTE, 'é', '\u0301', '\u200d', '\ud83d'), { maxLength: 40 })
  .map((parts) => parts.join(''));
const anyText = fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

/** Whether `prefix` is the first k grapheme clusters of `text`, for some k. */
function isGraphemePrefix(prefix: string, text: string): boolean {
  let joined = '';
  for (const g of graphemes(text)) {
    if (joined === prefix) return true;
    joined += g;
  }
  return joined === prefix;
}

describe('truncate', () => {
  it('returns text that fits unchanged, with no ellipsis', () => {
    expect(truncate('a koi pond', 10)).toBe('a koi pond');
    expect(truncate('', 0)).toBe('');
    expect(truncate(FAMILY, 8)).toBe(FAMILY);
  });

  it('cuts plain text to max, the ellipsis included', () => {
    expect(truncate('a koi pond at dawn', 10)).toBe('a koi pon…');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('never splits a ZWJ family sequence', () => {
    const text = `ab${FAMILY}cd`;
    for (let max = 3; max < 11; max++) expect(truncate(text, max)).toBe('ab…');
    expect(truncate(text, 11)).toBe(`ab${FAMILY}…`);
    expect(truncate(`${FAMILY}${FAMILY}`, 8)).toBe('…');
  });

  it('never splits a flag into its regional indicators', () => {
    expect(truncate(`${FLAG}${FLAG}${FLAG}`, 7)).toBe(`${FLAG}…`);
    expect(truncate(`${FLAG}${FLAG}${FLAG}`, 9)).toBe(`${FLAG}${FLAG}…`);
  });

  it('keeps a skin tone with its emoji', () => {
    expect(truncate(`ok ${THUMB}!!`, 7)).toBe('ok …');
    expect(truncate(`ok ${THUMB}!!`, 8)).toBe(`ok ${THUMB}…`);
  });

  it('keeps a combining mark with its letter', () => {
    expect(truncate(`caf${E_ACUTE} au lait`, 5)).toBe('caf…');
    expect(truncate(`caf${E_ACUTE} au lait`, 6)).toBe(`caf${E_ACUTE}…`);
  });

  it('never leaves half a surrogate pair', () => {
    expect(truncate('🐟🐟🐟', 4)).toBe('🐟…');
    expect(truncate('a🐟🐟', 3)).toBe('a…');
  });

  describe('properties', () => {
    const max = fc.integer({ min: 0, max: 48 });

    it('never exceeds max UTF-16 code units', () => {
      fc.assert(fc.property(anyText, max, (text, n) => truncate(text, n).length <= n));
    });

    it('is the text itself when it fits, and otherwise a grapheme prefix followed by the ellipsis', () => {
      fc.assert(
        fc.property(anyText, max, (text, n) => {
          const out = truncate(text, n);
          if (text.length <= n) return out === text;
          if (n === 0) return out === '';
          return out.endsWith(ELLIPSIS) && isGraphemePrefix(out.slice(0, -ELLIPSIS.length), text);
        }),
      );
    });

    it('keeps as many graphemes as fit: the next one would not', () => {
      fc.assert(
        fc.property(anyText, fc.integer({ min: 1, max: 48 }), (text, n) => {
          fc.pre(text.length > n);
          const kept = truncate(text, n).slice(0, -ELLIPSIS.length);
          const next = graphemes(text)[graphemes(kept).length] ?? '';
          return kept.length + next.length + ELLIPSIS.length > n;
        }),
      );
    });
  });
});
