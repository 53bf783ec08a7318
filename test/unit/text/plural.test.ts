import { describe, expect, it } from 'vitest';
import { plural } from '../../../src/core/text/plural.js';

describe('plural', () => {
  it('uses the singular for exactly one, the plural otherwise', () => {
    expect(plural(1, 'credit')).toBe('1 credit');
    expect(plural(0, 'credit')).toBe('0 credits');
    expect(plural(4, 'credit')).toBe('4 credits');
    expect(plural(-1, 'credit')).toBe('-1 credits');
  });

  it('takes an irregular plural, verb included', () => {
    expect(plural(1, 'credit was', 'credits were')).toBe('1 credit was');
    expect(plural(3, 'credit was', 'credits were')).toBe('3 credits were');
  });
});
