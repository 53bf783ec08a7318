import { describe, expect, it } from 'vitest';
import { Once } from '../../../src/bots/slack/Once.js';

describe('Once', () => {
  it('says first only once per id within the window', () => {
    let now = 0;
    const once = new Once({ ttlMs: 100, now: () => now });
    expect(once.first('a')).toBe(true);
    expect(once.first('a')).toBe(false);
    expect(once.first('b')).toBe(true);
    now = 101;
    expect(once.first('a')).toBe(true);
  });

  it('stays bounded', () => {
    const once = new Once({ max: 2, now: () => 0 });
    for (const id of ['a', 'b', 'c']) expect(once.first(id)).toBe(true);
    // 'a' was dropped to stay within two entries.
    expect(once.first('a')).toBe(true);
    expect(once.first('c')).toBe(false);
  });
});
