import { describe, expect, it } from 'vitest';
import { parseImagineText } from '../../../src/bots/slack/parseImagineText.js';
import { catalogFor } from '../../../src/core/catalog/catalogs.js';

const nbpro = catalogFor('nbpro', 'standard');
const nbapi = catalogFor('nbapi');

describe('parseImagineText', () => {
  it('takes the prompt and every flag, in any position', () => {
    expect(parseImagineText('a koi pond --ar 16:9 at dawn --res 2k --n 2 --model NANO-BANANA-2', nbpro)).toEqual({
      ok: true,
      prompt: 'a koi pond at dawn',
      options: { aspectRatio: '16:9', resolution: '2K', count: 2, model: 'nano-banana-2' },
    });
  });

  it('accepts --flag=value, aliases, and the dashes Slack’s smart punctuation makes', () => {
    expect(parseImagineText('a fox --aspect=3:2 —resolution 1K –count=3', nbpro)).toEqual({
      ok: true,
      prompt: 'a fox',
      options: { aspectRatio: '3:2', resolution: '1K', count: 3 },
    });
  });

  it('leaves options out when no flag names them', () => {
    expect(parseImagineText('  just   a   prompt ', nbpro)).toEqual({ ok: true, prompt: 'just a prompt', options: {} });
  });

  it.each([
    ['a cat --foo 1', 'Unknown option `--foo`.'],
    ['a cat --ar', '`--ar` needs a value.'],
    ['a cat --ar --res 2K', '`--ar` needs a value.'],
    ['a cat --ar 1:1 --ar 16:9', '`--ar` is given twice.'],
    ['a cat --ar 7:3', '`7:3` is not an aspect ratio this bot offers.'],
    ['a cat --res 8K', '`8K` is not a resolution this bot offers.'],
    ['a cat --model dall-e', 'Unknown model `dall-e`.'],
    ['a cat --n 0', '`--n` must be a whole number from 1 to 4.'],
    ['a cat --n 2.5', '`--n` must be a whole number from 1 to 4.'],
    ['--ar 1:1', 'Say what to draw.'],
  ])('%s → usage starting “%s”', (text, problem) => {
    const parsed = parseImagineText(text, nbpro);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message.startsWith(problem)).toBe(true);
      expect(parsed.message).toContain('Usage: `/imagine <prompt>');
    }
  });

  it('checks ratio and resolution against the chosen model', () => {
    expect(parseImagineText('x --model gemini-2.5-flash-image --res 4K', nbapi)).toMatchObject({
      ok: false,
      message: expect.stringContaining('`4K` is not a resolution gemini-2.5-flash-image offers') as string,
    });
    expect(parseImagineText('x --model gemini-3.1-flash-image-preview --ar 21:9', nbapi)).toMatchObject({ ok: true });
    expect(parseImagineText('x --model gemini-3-pro-image-preview --ar 21:9', nbapi)).toMatchObject({ ok: false });
  });

  it('lists the catalog’s values in the usage', () => {
    const parsed = parseImagineText('--nope', nbapi);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('512, 1K, 2K, 4K');
  });
});
