import { createRequire } from 'node:module';
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
  /** Human-readable lines through pino-pretty, an optional dependency; JSON (with a warning) without it. */
  readonly pretty?: boolean;
  /**
   * How pino-pretty is looked up when `pretty` is set; tests pass one that fails.
   * @defaultValue Node's `require.resolve` from this module
   */
  readonly resolveModule?: (id: string) => string;
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
  if (!options.pretty) return pino(base, options.destination ?? pino.destination(1));
  const target = findPrettyTransport(options.resolveModule);
  // A test's own destination wins over pretty printing, which would write to stdout.
  if (target !== undefined && !options.destination) return pino({ ...base, transport: { target, options: { colorize: true } } });
  const logger = pino(base, options.destination ?? pino.destination(1));
  if (target === undefined) {
    logger.warn('LOG_PRETTY is set, but the optional package pino-pretty is not installed: logging JSON. Run `npm install pino-pretty` for readable logs.');
  }
  return logger;
}

/**
 * Where pino-pretty is installed, or undefined when it is not. It is an optional dependency, read
 * only when LOG_PRETTY is set (pino loads the transport in a worker thread from this path).
 */
export function findPrettyTransport(resolveModule: (id: string) => string = createRequire(import.meta.url).resolve): string | undefined {
  try {
    return resolveModule('pino-pretty');
  } catch {
    return undefined;
  }
}
