import pino, { type Logger } from 'pino';
import { redactSlackCapabilities } from './logRedaction.js';

/** Field paths that hold secrets anywhere they might be logged. */
const REDACT_PATHS = [
  'apiKey',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  'response_url',
  'headers.authorization',
  'headers.Authorization',
  '*.apiKey',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.authorization',
  '*.response_url',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
];

export interface LoggerOptions {
  readonly level: string;
  readonly pretty?: boolean;
  /** Secret values (keys, tokens) scrubbed from every line, whatever field or message holds them. */
  readonly secrets?: readonly string[];
  /** Where lines go; defaults to stdout. Tests pass a stream they read. */
  readonly destination?: pino.DestinationStream;
}

/**
 * The process logger. Secrets are removed three times: by field path (pino redaction), by value, so
 * a key that ends up inside an error message or a URL is still never written, and by shape for the
 * Slack response URLs and verification tokens that payloads logged as text carry
 * ({@link redactSlackCapabilities}).
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (line: string): string => {
    let out = redactSlackCapabilities(line);
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  };
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'nano-imagine' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: pino.stdSerializers.err },
    hooks: { streamWrite: scrub },
  };
  if (options.pretty && !options.destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(base, options.destination ?? pino.destination(1));
}
