import { ValidationError } from '../errors.js';
import type { Platform } from '../vocabulary.js';

// Discord user ids are snowflakes; Slack team and user ids are upper-case alphanumerics (T…, U…, W…).
const DISCORD_USER = /^\d{1,20}$/;
const SLACK_ID = /^[A-Z0-9]{1,32}$/;
// CLI names come from --account or the OS user name: letters, digits and a few separators, never ':'.
const CLI_NAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;

/**
 * Builds account keys, the one spelling of "who pays" (DESIGN §3 step 1). Each builder validates its
 * parts, so a malformed key is refused where it is made.
 */
export const accountKey = {
  /** `discord:<userId>` */
  discord(userId: string): string {
    return check(`discord:${userId}`);
  },
  /** `slack:<teamId>:<userId>`: Slack user ids are unique only within a workspace. */
  slack(teamId: string, userId: string): string {
    return check(`slack:${teamId}:${userId}`);
  },
  /** `cli:<name>` */
  cli(name: string): string {
    return check(`cli:${name}`);
  },
} as const;

/**
 * The platform an account key belongs to.
 * @throws ValidationError `invalid_account_key` when the key is not one {@link accountKey} would build.
 */
export function platformOf(key: string): Platform {
  const [platform, first = '', second, ...rest] = key.split(':');
  const valid =
    rest.length === 0 &&
    ((platform === 'discord' && second === undefined && DISCORD_USER.test(first)) ||
      (platform === 'slack' && second !== undefined && SLACK_ID.test(first) && SLACK_ID.test(second)) ||
      (platform === 'cli' && second === undefined && CLI_NAME.test(first)));
  if (!valid) {
    throw new ValidationError(
      `"${key}" is not an account key. Use discord:<userId>, slack:<teamId>:<userId> or cli:<name> ` +
        '(a name of up to 64 letters, digits, ".", "_", "@", "+" or "-").',
      { code: 'invalid_account_key' },
    );
  }
  return platform;
}

/**
 * The key's platform, checked against `expected` when one is given.
 * @throws ValidationError `invalid_account_key` when the key is malformed or of another platform.
 */
export function requirePlatform(key: string, expected: Platform | undefined): Platform {
  const platform = platformOf(key);
  if (expected !== undefined && expected !== platform) {
    throw new ValidationError(`Account key "${key}" does not belong to platform "${expected}".`, {
      code: 'invalid_account_key',
    });
  }
  return platform;
}

function check(key: string): string {
  platformOf(key);
  return key;
}

/**
 * Builds idempotency keys, one spelling per platform action (DESIGN §3 step 1): the same action
 * delivered twice names the same job, and the keys of two platforms never collide.
 */
export const idempotencyKey = {
  /** A Discord interaction: its id is unique and redelivered unchanged. */
  discord: (interactionId: string): string => `discord:${interactionId}`,
  /** A Slack slash command: its trigger id. */
  slackCommand: (triggerId: string): string => `slack:trigger:${triggerId}`,
  /** A Slack modal submission: the view id. */
  slackView: (viewId: string): string => `slack:view:${viewId}`,
  /** A Slack button click: who clicked, and the click's `action_ts`. */
  slackAction: (team: string, user: string, actionTs: string): string => `slack:action:${team}:${user}:${actionTs}`,
  /** A CLI run: a random id, since nothing redelivers it. */
  cli: (runId: string): string => `cli:${runId}`,
} as const;
