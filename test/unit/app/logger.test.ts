import { describe, expect, it } from 'vitest';
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
