import { describe, expect, it } from 'vitest';
import { Once } from '../../../src/bots/slack/Once.js';
import { ManualClock } from '../../support/ManualClock.js';

describe('Once', () => {
  it('says first only once per id within the window', () => {
    const clock = new ManualClock(0);
    const once = new Once({ ttlMs: 100, clock });
    expect(once.first('a')).toBe(true);
    expect(once.first('a')).toBe(false);
    expect(once.first('b')).toBe(true);
    clock.time = 101;
    expect(once.first('a')).toBe(true);
  });

  it('stays bounded', () => {
    const once = new Once({ max: 2, clock: new ManualClock(0) });
    for (const id of ['a', 'b', 'c']) expect(once.first(id)).toBe(true);
    // 'a' was dropped to stay within two entries.
    expect(once.first('a')).toBe(true);
    expect(once.first('c')).toBe(false);
  });
});
