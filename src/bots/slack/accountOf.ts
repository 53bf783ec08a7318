import { accountKey } from '../../core/credits/accountKey.js';

/** Who acts in a Slack payload: the account that pays, and how to show them. */
export interface SlackActor {
  readonly team: string;
  readonly user: string;
  readonly accountKey: string;
  readonly displayName: string | undefined;
  readonly isAdmin: boolean;
}

/**
 * Builds the actor for a team and user id.
 * @throws ValidationError when Slack sent ids that are not Slack ids (then nothing is charged).
 */
export function actorOf(team: string, user: string, displayName: string | undefined, adminIds: ReadonlySet<string>): SlackActor {
  return { team, user, accountKey: accountKey.slack(team, user), displayName, isAdmin: adminIds.has(user) };
}

/** Interactive payloads carry the team under `team` (null on org-wide installs) or `user.team_id`. */
export function teamOf(body: { team?: { id: string } | null; user: { team_id?: string } }): string {
  return body.team?.id ?? body.user.team_id ?? '';
}
