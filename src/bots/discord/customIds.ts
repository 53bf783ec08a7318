/**
 * Component and modal custom ids. Result buttons carry the job id, so they work after a restart:
 * everything else is read from the jobs table. Discord allows 100 characters; a job id is 18.
 */
export const RESULT_ACTIONS = ['reroll', 'upscale', 'edit', 'delete'] as const;
export type ResultAction = (typeof RESULT_ACTIONS)[number];

const PREFIX = 'ni';

export type CustomId =
  | { readonly kind: 'result'; readonly action: ResultAction; readonly jobId: string }
  /** The modal of a result's Edit button. */
  | { readonly kind: 'editForm'; readonly jobId: string }
  /** The modal of the "Edit image" message command, keyed by the command's interaction id. */
  | { readonly kind: 'messageEditForm'; readonly formId: string };

export const customId = {
  result: (action: ResultAction, jobId: string): string => `${PREFIX}:${action}:${jobId}`,
  editForm: (jobId: string): string => `${PREFIX}:edit-form:${jobId}`,
  messageEditForm: (formId: string): string => `${PREFIX}:message-edit-form:${formId}`,
} as const;

/** Reads a custom id this bot made; anything else (or anything malformed) is `undefined`. */
export function parseCustomId(value: string): CustomId | undefined {
  const [prefix, kind, id, ...rest] = value.split(':');
  if (prefix !== PREFIX || id === undefined || id === '' || rest.length > 0) return undefined;
  if (kind === 'edit-form') return { kind: 'editForm', jobId: id };
  if (kind === 'message-edit-form') return { kind: 'messageEditForm', formId: id };
  const action = RESULT_ACTIONS.find((a) => a === kind);
  return action ? { kind: 'result', action, jobId: id } : undefined;
}
