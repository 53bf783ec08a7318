import { LogLevel } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/bots/slack/boltLogger.js';
import { captureLogger } from '../../support/logCapture.js';

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

describe('boltLogger through the process logger, at trace', () => {
  it('writes no response_url and no verification token, however Bolt formats the payload', () => {
    const { logger, text } = captureLogger([], 'trace');
    const slack = boltLogger(logger);
    const responseUrl = 'https://hooks.slack.com/commands/T0FAKE/1234567890/AbCdEfGhIjKlMnOp';
    const command = { token: 'verif-token-123', team_id: 'T0FAKE', command: '/imagine', text: 'a koi', response_url: responseUrl };
    const action = { type: 'block_actions', token: 'verif-token-123', response_url: responseUrl, response_urls: [{ response_url: `${responseUrl}2` }] };
    // Bolt's developer mode and ack lines; Socket Mode's raw envelope, where the payload may itself be a JSON string.
    slack.debug(JSON.stringify(command));
    slack.debug('payload', action);
    slack.debug(`Received a message on the WebSocket: ${JSON.stringify({ envelope_id: 'e1', payload: command })}`);
    slack.debug(`Received a message on the WebSocket: ${JSON.stringify({ envelope_id: 'e2', payload: JSON.stringify(action) })}`);
    slack.debug(`raw body: ${new URLSearchParams(command as Record<string, string>).toString()}`);
    slack.debug(`redirected to ${responseUrl} for T0FAKE`);
    logger.trace({ body: command }, 'structured');
    const out = text();
    expect(out).toContain('a koi');
    expect(out).not.toContain('verif-token-123');
    expect(out).not.toContain('hooks.slack.com');
    expect(out).not.toContain('AbCdEfGhIjKlMnOp');
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(12);
  });
});
