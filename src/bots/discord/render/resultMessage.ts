import type { DeliveryCharge, Job } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import type { OutgoingFile, OutgoingMessage } from './OutgoingMessage.js';
import { resultButtons, type ResultActions } from './resultButtons.js';
import { summaryEmbed } from './summaryEmbed.js';

export interface ResultInput {
  readonly job: Job;
  /** What posting these files charges (see `deliveryCharge`). */
  readonly charge: DeliveryCharge;
  readonly durationMs: number;
  readonly files: readonly OutgoingFile[];
  readonly actions: ResultActions;
  /** A line above the result (an upscale that could not use the image, an image that did not fit). */
  readonly notes: readonly string[];
}

/** The final message of a job: its image files, one compact embed and the action buttons. */
export function resultMessage(input: ResultInput): OutgoingMessage {
  return {
    content: input.notes.join('\n'),
    embeds: [summaryEmbed(input.job, input.charge, input.durationMs, input.files[0]?.name)],
    components: [resultButtons(input.job, input.actions)],
    files: input.files,
  };
}

/** The note for images that could not be shrunk to Discord's upload limit (and so were not charged). */
export function droppedNote(dropped: number): string[] {
  if (dropped === 0) return [];
  return [`${plural(dropped, 'image')} could not be made small enough to upload, and ${dropped === 1 ? 'was' : 'were'} not charged.`];
}
