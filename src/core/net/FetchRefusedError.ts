import { AppError } from '../errors.js';
import { FETCH_REFUSAL_TEXT, type FetchRefusalReason } from '../userText.js';

/**
 * A request the network policy will not make (see {@link checkFetchUrl} and the guarded agent).
 * The message is a short reason a person can read ({@link FETCH_REFUSAL_TEXT}); it never carries
 * the URL, which may hold secrets.
 */
export class FetchRefusedError extends AppError {
  declare readonly code: 'fetch_refused';
  readonly reason: FetchRefusalReason;

  constructor(reason: FetchRefusalReason, options?: { cause?: unknown }) {
    super('fetch_refused', FETCH_REFUSAL_TEXT[reason], options);
    this.reason = reason;
  }
}

/** The refusal behind an error, however the HTTP client wrapped it (`cause` chains, aggregates). */
export function findFetchRefusal(error: unknown, depth = 0): FetchRefusedError | undefined {
  if (error instanceof FetchRefusedError) return error;
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findFetchRefusal(inner, depth + 1);
      if (found) return found;
    }
  }
  return 'cause' in error ? findFetchRefusal(error.cause, depth + 1) : undefined;
}
