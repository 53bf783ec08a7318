/**
 * What a person is told, in one table: the text for every way a job can fail and every refusal,
 * and the sentences built from them. Adapters render these; they never write their own wording for
 * a code, and never look inside a message.
 */
import type { JobFailureCode, ProviderErrorKind, RefusalCode, RefusalReason, ValidationCode } from './errorCodes.js';
import { AppError, ProviderError } from './errors.js';
import { chargeOf, type Job } from './model.js';
import { plural } from './text/plural.js';

/** The text for each provider failure: what happened and, where someone can act, who. */
export const PROVIDER_FAILURE_TEXT = {
  auth: 'The image service refused the bot’s API key. Tell the bot’s operator.',
  out_of_credits: 'The bot’s image-service account is out of credits. Tell the bot’s operator.',
  invalid_request: 'The image service rejected this request.',
  refused: 'The image service declined this prompt. Rephrase it and try again.',
  rate_limited: 'The image service is busy right now. Try again in a minute.',
  unavailable: 'The image service is unavailable right now. Try again later.',
  timeout: 'The image service took too long to answer. Try again later.',
  bad_response: 'The image service sent back something that is not a usable image. Try again.',
} as const satisfies Record<ProviderErrorKind, string>;

/**
 * The text for a refusal whose reason is known, told instead of `PROVIDER_FAILURE_TEXT.refused`. Each says
 * what the service judged and ends with the tip: the person can change the prompt; nobody else can.
 * Never the provider's own words: they may quote the prompt back or name filters nobody can act on.
 */
export const REFUSAL_TEXT_BY_REASON = {
  safety: 'The image service declined this prompt for safety reasons. Rephrase it and try again.',
  policy: 'The image service declined this prompt under its content policy. Rephrase it and try again.',
  prohibited: 'The image service declined this prompt as content it does not allow. Rephrase it and try again.',
  copyright: 'The image service declined this prompt because the result would copy an existing work. Describe something original and try again.',
  no_image: 'The image service answered without an image, which usually means it declined the prompt. Rephrase it and try again.',
} as const satisfies Record<RefusalReason, string>;

/** The text for job failures that are not the provider's or an image's (those carry their own). */
export const JOB_FAILURE_TEXT = {
  no_output: 'The image service returned no images.',
  cancelled: 'Cancelled before it started.',
  interrupted: 'The bot restarted before this job finished.',
  undelivered: 'The image could not be posted here, so nothing was charged for it.',
  internal: 'Something went wrong on our side.',
} as const satisfies Partial<Record<JobFailureCode, string>>;

/** The text for refusals that need no numbers (validation and credits carry their own). */
export const REFUSAL_TEXT = {
  queue_full: 'The bot is busy right now (the queue is full). Try again in a few minutes.',
  user_busy: 'You already have several images waiting. Wait for them to finish, then try again.',
  shutting_down: 'The bot is restarting. Try again in a minute.',
} as const satisfies Partial<Record<RefusalCode, string>>;

/**
 * Why the network policy refused an image link (`fetch_refused`), for references and provider
 * results alike. None of them quotes the link: it may carry a token.
 */
export const FETCH_REFUSAL_TEXT = {
  invalid_url: 'The image link is not a valid URL.',
  not_http: 'The image link is not an http(s) link.',
  user_info: 'The image link carries a user name or password, which the bot does not use.',
  private_address: 'The image link points to a private or local network address, which the bot does not download from.',
} as const;
export type FetchRefusalReason = keyof typeof FETCH_REFUSAL_TEXT;

/** The text for references an adapter refuses by where they are stored, before anything is held. */
export const FOREIGN_REFERENCE_TEXT = {
  foreign_reference: 'I can only use images uploaded to Discord, and that one is stored somewhere else.',
  foreign_file: 'I can only use files stored on Slack, and that one is stored somewhere else.',
} as const satisfies Partial<Record<ValidationCode, string>>;

/** "1 credit", "4 credits". */
export function credits(n: number): string {
  return plural(n, 'credit');
}

/** The sentence that tells a person what came back to them (and, when given, the balance now); empty when nothing did. */
export function refundText(refunded: number, balance?: number): string {
  if (refunded <= 0) return '';
  return `Your ${plural(refunded, 'credit was', 'credits were')} returned${balance === undefined ? '' : ` (balance ${balance})`}.`;
}

/**
 * Told to the owner of a job a restart interrupted, after the fact.
 * @param quotedPrompt - the prompt as the platform quotes it (escaped, shortened).
 */
export function interruptedNotice(quotedPrompt: string, refunded: number): string {
  return [`The bot restarted before your image ${quotedPrompt} was finished.`, refundText(refunded), 'Please ask again.'].filter(Boolean).join(' ');
}

/**
 * Told to the owner of a job that recovery settled without a result (a restart interrupted it, or
 * its images could not be posted after all), after the fact.
 * @param quotedPrompt - the prompt as the platform quotes it (escaped, shortened).
 */
export function releasedNotice(job: Pick<Job, 'errorCode' | 'cost'>, quotedPrompt: string): string {
  if (job.errorCode !== 'undelivered') return interruptedNotice(quotedPrompt, job.cost);
  return [`Your image ${quotedPrompt} was made, but it could not be posted here, so nothing was charged for it.`, refundText(job.cost)].filter(Boolean).join(' ');
}

/** What a job cost its account, in words: "4 credits", "4 credits held", "nothing charged". */
export function chargeText(job: Pick<Job, 'status' | 'held' | 'captured'>): string {
  const charge = chargeOf(job);
  if (charge.state === 'nothing') return 'nothing charged';
  return charge.state === 'held' ? `${credits(charge.credits)} held` : credits(charge.credits);
}

/** Not enough credits for a job. */
export function insufficientCreditsText(cost: number, balance: number): string {
  return `Not enough credits: this costs ${cost} and you have ${balance}.`;
}

/** A short, user-safe description of why a job failed. Never a stack trace, never a secret. */
export function describeFailure(error: unknown): { code: JobFailureCode; message: string } {
  if (error instanceof ProviderError) return { code: error.code, message: error.message };
  if (error instanceof AppError && isJobFailureCode(error.code)) return { code: error.code, message: error.message };
  return { code: 'internal', message: JOB_FAILURE_TEXT.internal };
}

function isJobFailureCode(code: string): code is JobFailureCode {
  return code.startsWith('image_') || code === 'fetch_refused' || code in JOB_FAILURE_TEXT;
}
