/**
 * One error family for the whole product. Callers switch on `code` (or `instanceof`), never on
 * `message`. Messages are written for the person who will read them: short, specific, no secrets.
 */
import {
  TRANSIENT_PROVIDER_KINDS,
  type ErrorCode,
  type ImageErrorCode,
  type ProviderErrorCode,
  type ProviderErrorKind,
  type RefusalReason,
  type ValidationCode,
} from './errorCodes.js';

export class AppError extends Error {
  /** A stable, machine-readable discriminant from the {@link ErrorCode} catalogue. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface ProviderErrorOptions {
  /** The HTTP status, when there was one. */
  readonly status?: number | undefined;
  /** The provider's own words (already truncated and redacted). */
  readonly providerMessage?: string | undefined;
  /** The server's `Retry-After` hint, in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** Why the provider refused the prompt; kept only for kind `refused`. */
  readonly refusal?: RefusalReason | undefined;
  readonly cause?: unknown;
}

/**
 * A failed call to an image provider. The provider's own words travel in `providerMessage` and
 * `cause`, never the request's headers.
 */
export class ProviderError extends AppError {
  declare readonly code: ProviderErrorCode;
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerMessage: string | undefined;
  /** How long the provider asked us to wait before trying again (`Retry-After`), if it said. */
  readonly retryAfterMs: number | undefined;
  /**
   * For kind `refused`: why the provider refused the prompt (the `reason` metrics and texts use);
   * `undefined` for every other kind, and for a refusal whose reason is not known.
   */
  readonly refusal: RefusalReason | undefined;

  constructor(kind: ProviderErrorKind, provider: string, message: string, options: ProviderErrorOptions = {}) {
    super(`provider_${kind}`, message, { cause: options.cause ?? options.providerMessage });
    this.kind = kind;
    this.provider = provider;
    this.status = options.status;
    this.providerMessage = options.providerMessage;
    this.retryAfterMs = options.retryAfterMs;
    this.refusal = kind === 'refused' ? options.refusal : undefined;
  }

  /** Whether the retry policy may try again. */
  get transient(): boolean {
    return TRANSIENT_PROVIDER_KINDS.has(this.kind);
  }
}

/** Input a person gave that the product cannot use; the message says what is allowed. */
export class ValidationError extends AppError {
  constructor(message: string, options?: { cause?: unknown; code?: ValidationCode }) {
    super(options?.code ?? 'invalid_input', message, options);
  }
}

/** A reference or output image that could not be used (not an image, too large, unreachable). */
export class ImageError extends AppError {
  declare readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Configuration the process cannot start with; `problems` lists every one, each with its fix. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('config_invalid', `Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}
