import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Bolt, its Web API client and its Socket Mode client log through this bridge into the process
 * logger, whose redaction scrubs tokens. Their debug lines carry whole payloads, so they go out at
 * pino's `trace` level; the pino level decides what is written, and Bolt's `setLevel` is ignored.
 * Those payloads arrive as text, so the logger also scrubs the `response_url`s and verification
 * `token`s inside them by shape (see `redactSlackCapabilities`).
 */
export function boltLogger(logger: Logger): SlackLogger {
  const write = (level: 'trace' | 'info' | 'warn' | 'error', parts: unknown[]): void => {
    // Bolt logs every payload at debug: format nothing unless it will be written.
    if (!logger.isLevelEnabled(level)) return;
    const err = parts.find((p): p is Error => p instanceof Error);
    const text = parts
      .filter((p) => p !== err)
      .map((p) => (typeof p === 'string' ? p : safeJson(p)))
      .join(' ');
    if (err) logger[level]({ err }, text || err.message);
    else logger[level](text);
  };
  return {
    debug: (...msg: unknown[]) => write('trace', msg),
    info: (...msg: unknown[]) => write('info', msg),
    warn: (...msg: unknown[]) => write('warn', msg),
    error: (...msg: unknown[]) => write('error', msg),
    setLevel: () => undefined,
    getLevel: () => levelOf(logger),
    setName: () => undefined,
  };
}

function levelOf(logger: Logger): LogLevel {
  if (logger.isLevelEnabled('trace')) return LogLevel.DEBUG;
  if (logger.isLevelEnabled('info')) return LogLevel.INFO;
  if (logger.isLevelEnabled('warn')) return LogLevel.WARN;
  return LogLevel.ERROR;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
