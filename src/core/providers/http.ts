/**
 * The one HTTP call both provider clients make: undici `request()` with the caller's signal, a byte
 * cap on the reply, and every transport failure turned into a {@link ProviderError}.
 */
import { request, type Dispatcher, type FormData } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { ProviderError } from '../errors.js';
import { formatBytes } from '../text/formatBytes.js';
import { providerFailure } from './providerFailure.js';
import type { ProviderId } from '../vocabulary.js';

/**
 * Largest reply body read, in bytes. Both providers answer with small JSON documents (the images
 * themselves are fetched later from their URLs), so 1 MiB is generous.
 * @defaultValue 1 MiB
 */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export interface ProviderHttpRequest {
  readonly provider: ProviderId;
  readonly url: string;
  readonly method?: 'POST' | 'GET';
  /** Request headers. `content-type` is set by undici for a FormData body (with its boundary). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | FormData;
  /** Required: every provider call can be cancelled and timed out. */
  readonly signal: AbortSignal;
  readonly dispatcher?: Dispatcher | undefined;
  /** @defaultValue {@link DEFAULT_MAX_REPLY_BYTES} */
  readonly maxBytes?: number;
  /** The API key, cut out of anything that ends up in an error. */
  readonly secret?: string;
}

export interface ProviderHttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Parsed `Retry-After` header, in milliseconds, when the reply had one. */
  readonly retryAfterMs: number | undefined;
}

/** undici codes that mean our own code is wrong: rethrown unchanged, never blamed on the provider. */
const PROGRAMMER_ERRORS: ReadonlySet<string> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);
/** undici codes that mean the provider was slow, not down. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Sends one request and reads the whole reply (any status) up to `maxBytes`.
 *
 * @throws {@link ProviderError} `timeout` when `signal` aborted because of a timeout
 *   (`AbortSignal.timeout`, reason `TimeoutError`) or undici's own timers fired; `timeout` with a
 *   "cancelled" message (and the abort reason as `cause`) when the signal aborted for any other
 *   reason — the caller can tell the two apart by its own `signal.aborted`; `unavailable` for network
 *   failures (refused, reset, DNS, socket hang up, other `UND_ERR_*`); `bad_response` when the reply
 *   is larger than `maxBytes`.
 */
export async function sendProviderRequest(req: ProviderHttpRequest): Promise<ProviderHttpReply> {
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(req.url, {
      method: req.method ?? 'POST',
      headers: { ...req.headers },
      body: req.body ?? null,
      signal: req.signal,
      ...(req.dispatcher === undefined ? {} : { dispatcher: req.dispatcher }),
    });
  } catch (error) {
    throw transportFailure(error, req);
  }

  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buffer.length;
      if (total > maxBytes) {
        response.body.destroy();
        throw providerFailure('bad_response', req.provider, {
          status: response.statusCode,
          summary: `The image provider sent a reply larger than ${formatBytes(maxBytes)}`,
        });
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw transportFailure(error, req);
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.concat(chunks),
    retryAfterMs: parseRetryAfter(response.headers['retry-after']),
  };
}

/** Maps a thrown transport error to a {@link ProviderError} (see {@link sendProviderRequest}). */
function transportFailure(error: unknown, req: ProviderHttpRequest): unknown {
  const { provider, signal, secret } = req;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (isTimeoutReason(reason)) return providerFailure('timeout', provider, { cause: reason, secret });
    return providerFailure('timeout', provider, {
      cause: reason,
      secret,
      summary: 'The image request was cancelled before the provider answered',
    });
  }
  const code = errorCode(error);
  if (code !== undefined && PROGRAMMER_ERRORS.has(code)) return error;
  if (code !== undefined && TIMEOUT_CODES.has(code)) return providerFailure('timeout', provider, { cause: error, secret });
  return providerFailure('unavailable', provider, {
    cause: error,
    secret,
    summary: 'The image provider could not be reached',
  });
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Invalid or
 * negative values are ignored.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The reply body as JSON, or `undefined` when it is not JSON at all. */
export function parseJsonBody(body: Buffer): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}
