export { SlackAdapter } from './SlackAdapter.js';
export { slackRetryPolicies } from './retryPolicies.js';
