import { describe, expect, it } from 'vitest';
import { escapeXml, previewSvg, wrapText } from '../../../src/core/images/previewSvg.js';

describe('escapeXml', () => {
  it('escapes markup and drops characters XML forbids', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u0007\ud800`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('keeps emoji (surrogate pairs) intact', () => {
    expect(escapeXml('koi 🐟 pond')).toBe('koi 🐟 pond');
  });
});

describe('wrapText', () => {
  it('wraps on spaces', () => {
    expect(wrapText('a koi pond at dawn', 8, 5)).toEqual(['a koi', 'pond at', 'dawn']);
  });

  it('breaks a word longer than a line', () => {
    expect(wrapText('abcdefghij', 4, 5)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('ends with an ellipsis when lines run out', () => {
    const lines = wrapText('one two three four five six seven', 9, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith('…')).toBe(true);
    expect(Array.from(lines[1] ?? '').length).toBeLessThanOrEqual(9);
  });

  it('never splits an emoji', () => {
    for (const line of wrapText('🐟🐟🐟🐟🐟', 2, 5)) expect(line).toMatch(/^(🐟)+$/u);
  });

  it('counts grapheme clusters, so a ZWJ sequence, a flag or a combining mark stays whole', () => {
    expect(wrapText('👨‍👩‍👧👨‍👩‍👧🇫🇷e\u0301', 2, 5)).toEqual(['👨‍👩‍👧👨‍👩‍👧', '🇫🇷e\u0301']);
  });

  it('gives no line for blank text', () => {
    expect(wrapText('  \n\t ', 10, 3)).toEqual([]);
  });
});

describe('previewSvg', () => {
  it('labels the preview and escapes the prompt', () => {
    const svg = previewSvg({
      width: 1024,
      height: 576,
      prompt: '</text><script>alert(1)</script>',
      caption: '16:9 · 1K',
      slots: [],
      hiddenReferences: 0,
      stripTop: 576,
    });
    expect(svg).toContain('OFFLINE PREVIEW');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('truncates a very long prompt', () => {
    const svg = previewSvg({
      width: 1024,
      height: 1024,
      prompt: 'word '.repeat(2000),
      caption: '',
      slots: [],
      hiddenReferences: 0,
      stripTop: 1024,
    });
    expect(svg.length).toBeLessThan(5000);
    expect(svg).toContain('…');
  });
});
