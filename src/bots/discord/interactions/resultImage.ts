import type { Message } from 'discord.js';
import type { ReferenceSource } from '../../../core/generation/types.js';
import { isImageAttachment, referenceFrom } from '../references.js';

/** The first image of a result message (the one Upscale and Edit work on). */
export function resultImage(message: Message | null): ReferenceSource | undefined {
  const image = message ? [...message.attachments.values()].find(isImageAttachment) : undefined;
  return image ? referenceFrom(image) : undefined;
}
