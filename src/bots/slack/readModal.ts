import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import { INPUT_ACTION, SLACK_IDS } from './ids.js';
import type { SlackFileLike } from './SlackFiles.js';

/** What a person entered in one of our modals. Absent inputs are undefined. */
export interface ModalValues {
  readonly prompt: string;
  readonly aspectRatio: string | undefined;
  readonly resolution: string | undefined;
  readonly model: string | undefined;
  readonly count: number | undefined;
  readonly channel: string | undefined;
  readonly files: readonly SlackFileLike[];
}

export function readModal(view: ViewOutput): ModalValues {
  const value = (block: string): ViewStateValue | undefined => view.state.values[block]?.[INPUT_ACTION];
  const selected = (block: string): string | undefined => value(block)?.selected_option?.value ?? undefined;
  const { blocks: B } = SLACK_IDS;
  const count = selected(B.count);
  return {
    prompt: (value(B.prompt)?.value ?? '').trim(),
    aspectRatio: selected(B.ratio),
    resolution: selected(B.resolution),
    model: selected(B.model),
    count: count === undefined ? undefined : Number(count),
    channel: value(B.channel)?.selected_conversation ?? undefined,
    files: value(B.references)?.files ?? [],
  };
}
