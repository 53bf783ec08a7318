import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from '../../../src/bots/discord/jobs/ProgressThrottle.js';
import { ManualClock } from '../../support/ManualClock.js';

describe('ProgressThrottle', () => {
  it('sends the first update at once and coalesces the rest into one per interval', () => {
    const timers = new ManualClock();
    const sent: string[] = [];
    const throttle = new ProgressThrottle(timers, 2_000, (t) => sent.push(t));
    throttle.update('#3');
    throttle.update('#2');
    throttle.update('#1');
    expect(sent).toEqual(['#3']);
    timers.advance(1_999);
    expect(sent).toEqual(['#3']);
    timers.advance(1);
    expect(sent).toEqual(['#3', '#1']);
    timers.advance(5_000);
    throttle.update('generating');
    expect(sent).toEqual(['#3', '#1', 'generating']);
  });

  it('counts from its start time: nothing goes out in the first interval', () => {
    const timers = new ManualClock();
    const sent: string[] = [];
    const throttle = new ProgressThrottle(timers, 2_000, (t) => sent.push(t), timers.now());
    throttle.update('#1');
    throttle.update('generating');
    expect(sent).toEqual([]);
    timers.advance(2_000);
    expect(sent).toEqual(['generating']);
  });

  it('skips repeats and sends nothing after stop', () => {
    const timers = new ManualClock();
    const sent: string[] = [];
    const throttle = new ProgressThrottle(timers, 2_000, (t) => sent.push(t));
    throttle.update('a');
    timers.advance(3_000);
    throttle.update('a');
    throttle.update('b');
    throttle.update('c');
    throttle.stop();
    timers.advance(10_000);
    expect(sent).toEqual(['a', 'b']);
    expect(timers.pending).toBe(0);
  });
});
