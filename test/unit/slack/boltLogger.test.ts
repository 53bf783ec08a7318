import { LogLevel } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/bots/slack/boltLogger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, slack: boltLogger(logger) };
}

describe('boltLogger', () => {
  it('writes Bolt debug lines at trace, and only when trace is on', () => {
    const quiet = capture('debug');
    quiet.slack.debug('payload', { a: 1 });
    expect(quiet.lines).toHaveLength(0);
    expect(quiet.slack.getLevel()).toBe(LogLevel.INFO);
    const loud = capture('trace');
    loud.slack.debug('payload', { a: 1 });
    expect(loud.lines[0]).toMatchObject({ level: 10, msg: 'payload {"a":1}' });
    expect(loud.slack.getLevel()).toBe(LogLevel.DEBUG);
  });

  it('keeps errors as errors', () => {
    const { lines, slack } = capture('info');
    slack.error('listener failed', new Error('boom'));
    expect(lines[0]).toMatchObject({ level: 50, msg: 'listener failed', err: { message: 'boom' } });
    slack.setLevel(LogLevel.ERROR);
    slack.warn('still written: the pino level decides');
    expect(lines).toHaveLength(2);
  });
});
