import type { webApi } from '@slack/bolt';

/**
 * Named retry policies for the Slack Web API client. The Socket Mode client would otherwise rewrite
 * the shared client options to 100 retries, so a Slack 5xx could stall a handler for a very long
 * time (docs/PLATFORM-NOTES.md, Slack). Always pass one of these explicitly.
 */
export const slackRetryPolicies = {
  /** Production: two retries within about five seconds, then the call fails and the user is told. */
  bounded: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4000, randomize: true },
  /** Tests and benchmarks: a failure is final at once. */
  none: { retries: 0 },
} as const satisfies Record<string, webApi.RetryOptions>;

export type SlackRetryPolicy = webApi.RetryOptions;
