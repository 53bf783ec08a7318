import type { Attachment } from 'discord.js';
import type { ReferenceSource } from '../../core/generation/types.js';

const IMAGE_NAME = /\.(png|jpe?g|webp|gif)$/i;

/**
 * An attachment as a reference *source*: the core downloads it (the signed URL is fresh while the
 * interaction is handled) and checks the bytes; the declared type and size allow early refusals.
 */
export function referenceFrom(attachment: Attachment): ReferenceSource {
  return {
    url: attachment.url,
    name: attachment.name,
    declaredSize: attachment.size,
    ...(attachment.contentType ? { declaredType: attachment.contentType } : {}),
  };
}

/** Whether an attachment looks like an image (by declared type, or by name when none is declared). */
export function isImageAttachment(attachment: Attachment): boolean {
  return attachment.contentType ? attachment.contentType.startsWith('image/') : IMAGE_NAME.test(attachment.name);
}
