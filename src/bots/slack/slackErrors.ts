import { webApi } from '@slack/bolt';

/** The `error` string of a Slack Web API refusal (`not_in_channel`…), or undefined for other failures. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : undefined;
}

/** Refusals that mean the bot cannot post in that conversation (not a member, gone, archived). */
const UNREACHABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'user_not_in_channel']);

export function isUnreachableChannel(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && UNREACHABLE.has(code);
}

/** What to log of a Slack failure: the code, never the request (which holds the token). */
export function describeSlackError(error: unknown): { code: string; detail?: string } {
  const code = slackErrorCode(error);
  if (code !== undefined) return { code };
  if (error instanceof webApi.WebAPIHTTPError) return { code: 'http_error', detail: String(error.statusCode) };
  if (error instanceof webApi.WebAPIRateLimitedError) return { code: 'rate_limited', detail: `${error.retryAfter}s` };
  if (error instanceof webApi.WebAPIRequestError) return { code: 'request_error', detail: error.original.name };
  return { code: 'internal', detail: error instanceof Error ? error.name : typeof error };
}
