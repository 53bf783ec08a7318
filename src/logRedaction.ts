/**
 * Slack payloads carry two things that must never reach a log: `response_url`, a capability URL
 * (whoever holds it may post as the app for 30 minutes), and `token`, the app's legacy verification
 * token. Bolt and the Socket Mode client write whole payloads at debug level — as text inside the
 * message, where redaction by field path cannot see them — so they are found in the written line:
 * as JSON keys at any depth of escaping (`"token":"…"`, `\"token\":\"…\"`), as form fields
 * (`token=…&`), and, as a last net, any `hooks.slack.com` URL, plain or URL-encoded.
 */
const JSON_FIELD = /(\\*"(?:response_url|token)\\*"\s*:\s*\\*")[^"\\]*/g;
const FORM_FIELD = /(^|[?&\s"])((?:response_url|token)=)[^&\s"\\]*/g;
const HOOK_URL = /https?(?::\/\/|%3A%2F%2F)hooks\.slack\.com(?:\/|%2F)[^\s"\\&]*/gi;
const CENSOR = '[REDACTED]';

/** `line` with Slack response URLs and verification tokens replaced by `[REDACTED]`. */
export function redactSlackCapabilities(line: string): string {
  if (!line.includes('token') && !line.includes('response_url') && !/hooks\.slack\.com/i.test(line)) return line;
  return line.replace(JSON_FIELD, `$1${CENSOR}`).replace(FORM_FIELD, `$1$2${CENSOR}`).replace(HOOK_URL, CENSOR);
}
