/**
 * Builds the {@link ProviderError}s both HTTP clients throw: the user-safe text of its kind (from the
 * one table in `userText.ts`; for a refusal, the text of its reason), the provider's own words
 * (truncated, API key redacted) kept for operators, and the HTTP status.
 */
import type { ProviderErrorKind, RefusalReason } from '../errorCodes.js';
import { ProviderError } from '../errors.js';
import { truncate } from '../text/truncate.js';
import { PROVIDER_FAILURE_TEXT, REFUSAL_TEXT_BY_REASON } from '../userText.js';
import type { ProviderId } from '../vocabulary.js';

/** The longest provider message carried into an error, in characters. */
export const MAX_PROVIDER_MESSAGE_CHARS = 200;

export interface ProviderFailureDetails {
  readonly status?: number | undefined;
  /** The provider's own words; truncated and redacted here. */
  readonly providerMessage?: string | undefined;
  readonly cause?: unknown;
  /**
   * What went wrong, more precisely than the kind says. For `invalid_request` (something the person
   * can change) it replaces the table's text; otherwise operators read it in the logs.
   */
  readonly summary?: string | undefined;
  /** The API key, so it can be cut out of anything the provider echoed back. */
  readonly secret?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  /** For kind `refused`: why, which picks the person's text and is carried as `ProviderError.refusal`. */
  readonly refusal?: RefusalReason | undefined;
}

/** Cuts `secret` out of `text` and shortens it to {@link MAX_PROVIDER_MESSAGE_CHARS}. */
export function cleanProviderText(text: string, secret?: string): string {
  let out = text;
  if (secret !== undefined && secret.length > 0) out = out.split(secret).join('[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return truncate(out, MAX_PROVIDER_MESSAGE_CHARS);
}

/**
 * Creates the error for one failed call; its message is what the person is told. Only a rejected
 * request shows the provider's words (they say what to change); for every other kind they stay with
 * the operator, in `providerMessage`. A refusal is told by its reason, never in the provider's words:
 * those may quote the prompt back or name filters nobody here can act on.
 */
export function providerFailure(kind: ProviderErrorKind, provider: ProviderId, details: ProviderFailureDetails = {}): ProviderError {
  const said = details.providerMessage === undefined ? '' : cleanProviderText(details.providerMessage, details.secret);
  const refusal = kind === 'refused' ? details.refusal : undefined;
  let message: string = refusal === undefined ? PROVIDER_FAILURE_TEXT[kind] : REFUSAL_TEXT_BY_REASON[refusal];
  let operatorDetail = said;
  if (kind === 'invalid_request') {
    const summary = details.summary ?? message.slice(0, -1);
    message = said.length > 0 ? `${summary}: ${said}` : `${summary}.`;
  } else if (details.summary !== undefined) {
    operatorDetail = said.length > 0 ? `${details.summary}: ${said}` : details.summary;
  }
  return new ProviderError(kind, provider, message, {
    status: details.status,
    providerMessage: operatorDetail.length > 0 ? operatorDetail : undefined,
    retryAfterMs: details.retryAfterMs,
    refusal,
    cause: details.cause,
  });
}

/**
 * The kind an HTTP status means, for both providers. Statuses the documents do not list are mapped
 * by their usual meaning: 404/405/410 mean the endpoint is not where we expect (a base-URL or API
 * change), which a user cannot fix, so they count as `unavailable`; 408 is a `timeout`; other 4xx
 * are `invalid_request`; anything that is neither 2xx nor an error status is a `bad_response`.
 */
export function kindForHttpStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'out_of_credits';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 404 || status === 405 || status === 410) return 'unavailable';
  if (status >= 500 && status <= 599) return 'unavailable';
  if (status >= 400 && status <= 499) return 'invalid_request';
  return 'bad_response';
}
