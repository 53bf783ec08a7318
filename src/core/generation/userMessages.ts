import { AppError, ProviderError } from '../errors.js';
import { truncate } from '../text/truncate.js';

/** What a person is told when their job fails; credits are always returned in these cases. */
const PROVIDER_MESSAGES: Record<ProviderError['kind'], string> = {
  auth: 'The image service refused the bot’s API key. Tell the bot’s operator.',
  provider_credits: 'The bot’s image-service account is out of credits. Tell the bot’s operator.',
  invalid_request: 'The image service rejected this request',
  rate_limited: 'The image service is busy right now. Try again in a minute.',
  unavailable: 'The image service is unavailable right now. Try again later.',
  timeout: 'The image service took too long to answer. Try again later.',
  bad_response: 'The image service sent back something that is not a usable image. Try again.',
};

/** A short, user-safe description of why a job failed. Never a stack trace, never a secret. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ProviderError) {
    const base = PROVIDER_MESSAGES[error.kind];
    if (error.kind === 'invalid_request' && error.providerMessage) {
      return { code: error.code, message: `${base}: ${truncate(error.providerMessage, 200)}` };
    }
    return { code: error.code, message: error.kind === 'invalid_request' ? `${base}.` : base };
  }
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'Something went wrong on our side.' };
}
