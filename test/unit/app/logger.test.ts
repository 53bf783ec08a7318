import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, findPrettyTransport } from '../../../src/logger.js';
import { captureLogger } from '../../support/logCapture.js';

describe('createLogger', () => {
  it('redacts secrets by field and by value, wherever they appear', () => {
    const { logger, text } = captureLogger(['sk-live-secret-123456', 'xoxb-999-secret']);
    logger.info({ apiKey: 'anything', headers: { authorization: 'Bearer abc' } }, 'call');
    logger.info({ nested: { token: 'tok-123' } }, 'nested');
    logger.error({ err: new Error('provider said: bad key sk-live-secret-123456') }, 'failed');
    logger.warn(`url https://x/?t=xoxb-999-secret`);
    const out = text();
    expect(out).not.toContain('sk-live-secret-123456');
    expect(out).not.toContain('xoxb-999-secret');
    expect(out).not.toContain('Bearer abc');
    expect(out).not.toContain('tok-123');
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(5);
  });
});

describe('LOG_PRETTY', () => {
  const capture = (): { destination: Writable; lines: () => { level: number; msg: string }[] } => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    });
    return { destination, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }) };
  };

  it('finds pino-pretty when it is installed (an optional dependency)', () => {
    expect(findPrettyTransport()).toMatch(/pino-pretty/);
  });

  it('logs JSON with a clear warning when pino-pretty is missing', () => {
    const { destination, lines } = capture();
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const logger = createLogger({ level: 'info', pretty: true, destination, resolveModule: missing });
    logger.info('still logging');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/LOG_PRETTY is set, but the optional package pino-pretty is not installed.*npm install pino-pretty/) }),
      expect.objectContaining({ level: 30, msg: 'still logging' }),
    ]);
  });

  it('does not look for pino-pretty unless asked to', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ level: 'info', destination, resolveModule: () => expect.unreachable('pino-pretty was looked up') });
    logger.info('plain');
    expect(lines()).toEqual([expect.objectContaining({ msg: 'plain' })]);
  });
});
