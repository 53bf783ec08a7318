/**
 * Every error code the product uses, in one catalogue. A code is a contract: adapters, the CLI, logs
 * and metrics switch on it, never on a message's wording. Add a code here before using it.
 */

/**
 * Why a provider call failed (DESIGN §3 step 6). The code of a {@link ProviderError} is `provider_<kind>`.
 * `refused` is the provider's judgement of the prompt (a safety or policy block, an answer without an
 * image): the call itself worked, so it is not transient (never retried) and is no sign that the
 * provider is unwell.
 */
export const PROVIDER_ERROR_KINDS = [
  'auth',
  'out_of_credits',
  'invalid_request',
  'refused',
  'rate_limited',
  'unavailable',
  'timeout',
  'bad_response',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];
export type ProviderErrorCode = `provider_${ProviderErrorKind}`;

/**
 * Why a provider refused a prompt: the `reason` label of a `refused` {@link ProviderErrorKind}, each with
 * its own user text. Every reason is backed by provider replies in `providers/refusals.ts`; `copyright`
 * is Gemini's RECITATION finish reason (the result would reproduce an existing work).
 */
export const REFUSAL_REASONS = ['safety', 'policy', 'prohibited', 'copyright', 'no_image'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Why a reference or output image could not be used. */
export const IMAGE_ERROR_CODES = [
  'image_not_image',
  'image_too_large',
  'image_too_many_pixels',
  'image_fetch_failed',
  'image_timeout',
] as const;
export type ImageErrorCode = (typeof IMAGE_ERROR_CODES)[number];

/** How a job that took credits can end without images: the `errorCode` of its `failed` event and row. */
export type JobFailureCode =
  | ProviderErrorCode
  | ImageErrorCode
  /** The provider answered, but no usable image came back. */
  | 'no_output'
  /** Cancelled before it started. */
  | 'cancelled'
  /** The process stopped (restart, crash) before the job finished. */
  | 'interrupted'
  /**
   * An image link the network policy will not fetch (a reference, a provider result, a redirect
   * hop): a private or local address, a scheme other than http(s), or a user name or password.
   */
  | 'fetch_refused'
  /** The images were made, but the platform (or the file system) refused them: nothing charged. */
  | 'undelivered'
  /** A bug: logged with its cause, told to the user as "something went wrong". */
  | 'internal';

/** Why a submit was refused before any credit moved. */
export type RefusalCode =
  | 'invalid_request'
  | 'insufficient_credits'
  | 'queue_full'
  | 'user_busy'
  | 'shutting_down'
  /** A reference link refused from its form alone (scheme, user info, a local address literal). */
  | 'fetch_refused';

/** Input a person or operator gave that cannot be used. */
export type ValidationCode =
  | 'invalid_input'
  /** Command-line arguments the CLI cannot use. */
  | 'usage'
  | 'invalid_amount'
  | 'invalid_account_key'
  | 'invalid_aspect_ratio'
  /** A Discord reference stored anywhere but Discord's CDN (or the configured API origin). */
  | 'foreign_reference'
  /** A Slack file whose URL is not on Slack's file hosts (or the configured API origin). */
  | 'foreign_file'
  | 'prices_invalid'
  /** A `MODELS_FILE` whose shape or entries cannot be used. */
  | 'models_invalid'
  | 'price_missing';

/** Failures of administration and operations (lookups, the database, configuration, platforms). */
export type OperationCode =
  | 'account_not_found'
  | 'job_not_found'
  | 'idempotency_conflict'
  | 'config_invalid'
  | 'db_too_new'
  | 'db_schema_mismatch'
  | 'db_migrations_invalid'
  | 'db_migration_failed'
  | 'db_backup_refused'
  | 'db_copy_refused'
  | 'db_copy_failed'
  | 'discord_register_failed'
  | 'slack_auth'
  | 'slack_unreachable';

export type ErrorCode = JobFailureCode | RefusalCode | ValidationCode | OperationCode;

/** Transient kinds are worth another attempt under the retry policy. */
export const TRANSIENT_PROVIDER_KINDS: ReadonlySet<ProviderErrorKind> = new Set(['unavailable', 'timeout', 'rate_limited']);
