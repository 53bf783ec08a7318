/**
 * Where a Slack job's results go, stored as the job's `destination` JSON. It holds ids only (never a
 * response_url or token), so a restarted process can still deliver and the buttons still work.
 */
export interface SlackDestination {
  readonly team: string;
  readonly channel: string;
  /** Thread to post into; absent for a top-level message. */
  readonly threadTs?: string | undefined;
  /** Who asked: told about failures, mentioned in the summary. */
  readonly user: string;
}

export function destinationJson(d: SlackDestination): Record<string, unknown> {
  return d.threadTs === undefined
    ? { team: d.team, channel: d.channel, user: d.user }
    : { team: d.team, channel: d.channel, threadTs: d.threadTs, user: d.user };
}

/** The destination of a Slack job, or undefined when the JSON is not one this adapter wrote. */
export function parseDestination(json: Readonly<Record<string, unknown>>): SlackDestination | undefined {
  const { team, channel, threadTs, user } = json;
  if (typeof team !== 'string' || typeof channel !== 'string' || typeof user !== 'string') return undefined;
  if (threadTs !== undefined && typeof threadTs !== 'string') return undefined;
  return { team, channel, threadTs, user };
}
