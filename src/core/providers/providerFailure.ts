/**
 * Builds the {@link ProviderError}s both HTTP clients throw: one user-safe message per kind, the
 * provider's own words (truncated, API key redacted) appended, and the HTTP status kept for operators.
 */
import { ProviderError, type ProviderErrorKind } from '../errors.js';
import { truncate } from '../text/truncate.js';
import type { ProviderId } from '../vocabulary.js';

/** The longest provider message carried into an error, in characters. */
export const MAX_PROVIDER_MESSAGE_CHARS = 200;

/** A {@link ProviderError} that may carry the server's `Retry-After` hint. */
export type ProviderErrorWithHint = ProviderError & { readonly retryAfterMs?: number };

const KIND_TEXT = {
  auth: 'The image provider did not accept the configured API key',
  provider_credits: 'The image provider account has run out of credits',
  invalid_request: 'The image provider rejected the request',
  rate_limited: 'The image provider is receiving too many requests right now',
  unavailable: 'The image provider is unavailable right now',
  timeout: 'The image provider did not answer in time',
  bad_response: 'The image provider sent a reply that could not be understood',
} as const satisfies Record<ProviderErrorKind, string>;

export interface ProviderFailureDetails {
  readonly status?: number | undefined;
  /** The provider's own words; truncated and redacted here. */
  readonly providerMessage?: string | undefined;
  readonly cause?: unknown;
  /** Replaces the default first sentence (still followed by the provider's words). */
  readonly summary?: string | undefined;
  /** The API key, so it can be cut out of anything the provider echoed back. */
  readonly secret?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** Cuts `secret` out of `text` and shortens it to {@link MAX_PROVIDER_MESSAGE_CHARS}. */
export function cleanProviderText(text: string, secret?: string): string {
  let out = text;
  if (secret !== undefined && secret.length > 0) out = out.split(secret).join('[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return truncate(out, MAX_PROVIDER_MESSAGE_CHARS);
}

/** Creates the error for one failed call; the message is safe to show to a chat user. */
export function providerFailure(
  kind: ProviderErrorKind,
  provider: ProviderId,
  details: ProviderFailureDetails = {},
): ProviderErrorWithHint {
  const said = details.providerMessage === undefined ? '' : cleanProviderText(details.providerMessage, details.secret);
  const summary = details.summary ?? KIND_TEXT[kind];
  const message = said.length > 0 ? `${summary}: ${said}` : `${summary}.`;
  const options: { status?: number; providerMessage?: string; cause?: unknown } = {};
  if (details.status !== undefined) options.status = details.status;
  if (said.length > 0) options.providerMessage = said;
  if (details.cause !== undefined) options.cause = details.cause;
  const error: ProviderErrorWithHint = new ProviderError(kind, provider, message, options);
  if (details.retryAfterMs !== undefined) {
    Object.defineProperty(error, 'retryAfterMs', { value: details.retryAfterMs, enumerable: true });
  }
  return error;
}

/**
 * The kind an HTTP status means, for both providers. Statuses the documents do not list are mapped
 * by their usual meaning: 404/405/410 mean the endpoint is not where we expect (a base-URL or API
 * change), which a user cannot fix, so they count as `unavailable`; 408 is a `timeout`; other 4xx
 * are `invalid_request`; anything that is neither 2xx nor an error status is a `bad_response`.
 */
export function kindForHttpStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'provider_credits';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 404 || status === 405 || status === 410) return 'unavailable';
  if (status >= 500 && status <= 599) return 'unavailable';
  if (status >= 400 && status <= 499) return 'invalid_request';
  return 'bad_response';
}
