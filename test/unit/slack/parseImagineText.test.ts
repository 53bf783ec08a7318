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
      // Values pass through as typed: the core matches them to the catalog (case included).
      options: { aspectRatio: '16:9', resolution: '2k', count: 2, model: 'NANO-BANANA-2' },
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
  ])('%s → usage starting “%s”', (text, problem) => {
    const parsed = parseImagineText(text, nbpro);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message.startsWith(problem)).toBe(true);
      expect(parsed.message).toContain('Usage: `/imagine <prompt>');
    }
  });

  it('leaves every value, and an empty prompt, to the core to judge', () => {
    expect(parseImagineText('a cat --ar 7:3 --res 8K --model dall-e --n 2.5', nbpro)).toEqual({
      ok: true,
      prompt: 'a cat',
      options: { aspectRatio: '7:3', resolution: '8K', model: 'dall-e', count: 2.5 },
    });
    expect(parseImagineText('--ar 1:1 --n many', nbpro)).toMatchObject({ ok: true, prompt: '', options: { count: Number.NaN } });
  });

  it('lists the catalog’s values in the usage', () => {
    const parsed = parseImagineText('--nope', nbapi);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('512, 1K, 2K, 4K');
  });
});
