import type { Logger } from 'pino';
import { describeSlackError } from './slackErrors.js';

/** What a user reads when something failed on our side. Short, no internals. */
export const SOMETHING_WENT_WRONG = 'Something went wrong on our side. Try again in a moment.';

/**
 * Runs a handler's decision; an unexpected failure is logged (codes only, never payloads or
 * tokens) and turned into `fallback`, so nothing a user sends can crash the process.
 */
export async function decide<T>(logger: Logger, what: string, work: () => Promise<T> | T, fallback: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    logger.error({ err: error, ...describeSlackError(error) }, `${what} failed`);
    return fallback;
  }
}
