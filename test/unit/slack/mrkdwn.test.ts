import { describe, expect, it } from 'vitest';
import { quotePrompt } from '../../../src/bots/slack/mrkdwn.js';

describe('quotePrompt', () => {
  it('quotes, flattens and escapes a prompt', () => {
    expect(quotePrompt('a <b>\n & c')).toBe('“a &lt;b&gt; &amp; c”');
  });

  it('cuts between graphemes, never inside an emoji', () => {
    expect(quotePrompt(`${'a'.repeat(8)}👍🏽 and more`, 10)).toBe(`“${'a'.repeat(8)}…”`);
    expect(quotePrompt(`${'a'.repeat(4)}🇫🇷🇫🇷`, 10)).toBe(`“${'a'.repeat(4)}🇫🇷…”`);
  });
});
