export { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from './createSlackAdapter.js';
export { slackRetryPolicies, type SlackRetryPolicy } from './retryPolicies.js';
export { SLACK_IDS } from './ids.js';
