/**
 * One error family for the whole product. Callers switch on `code` (or `instanceof`), never on
 * `message`. Messages are written for the person who will read them: short, specific, no secrets.
 */
export class AppError extends Error {
  /** A stable, machine-readable discriminant. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The kinds of provider failure the product distinguishes (DESIGN §3 step 6). */
export const PROVIDER_ERROR_KINDS = [
  'auth',
  'provider_credits',
  'invalid_request',
  'rate_limited',
  'unavailable',
  'timeout',
  'bad_response',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

/** Transient kinds are worth another attempt under the retry policy. */
const TRANSIENT: ReadonlySet<ProviderErrorKind> = new Set(['unavailable', 'timeout', 'rate_limited']);

/**
 * A failed call to an image provider. `status` is the HTTP status when there was one; the provider's
 * own words travel in `providerMessage` and `cause`, never the request's headers.
 */
export class ProviderError extends AppError {
  override readonly code: `provider_${ProviderErrorKind}`;
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerMessage: string | undefined;

  constructor(
    kind: ProviderErrorKind,
    provider: string,
    message: string,
    options: { status?: number; providerMessage?: string; cause?: unknown } = {},
  ) {
    super(`provider_${kind}`, message, { cause: options.cause ?? options.providerMessage });
    this.code = `provider_${kind}`;
    this.kind = kind;
    this.provider = provider;
    this.status = options.status;
    this.providerMessage = options.providerMessage;
  }

  /** Whether the retry policy may try again. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/** Input a person gave that the product cannot use; the message says what is allowed. */
export class ValidationError extends AppError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'invalid_input', message, options);
  }
}

/** A reference or output image that could not be used (not an image, too large, unreachable). */
export class ImageError extends AppError {
  constructor(
    code: 'image_not_image' | 'image_too_large' | 'image_too_many_pixels' | 'image_fetch_failed' | 'image_timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
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
