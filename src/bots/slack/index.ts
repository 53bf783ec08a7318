export { SlackAdapter, type SlackAdapterOptions } from './SlackAdapter.js';
export { slackRetryPolicies, type SlackRetryPolicy } from './retryPolicies.js';
export { SLACK_IDS } from './ids.js';
