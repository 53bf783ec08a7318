import type { OutputImage } from '../../../core/generation/types.js';
import { fitImageToBytes } from '../../../core/images/prepare.js';
import type { OutgoingFile } from '../render/OutgoingMessage.js';

const EXTENSION: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/**
 * The job's images as files that fit the interaction's `attachment_size_limit` (re-encoded when
 * larger). An image that cannot be made to fit is left out and counted.
 */
export async function fitFiles(images: readonly OutputImage[], maxBytes: number, stem: string): Promise<{ files: OutgoingFile[]; dropped: number }> {
  const files: OutgoingFile[] = [];
  let dropped = 0;
  for (const [index, image] of images.entries()) {
    try {
      const fitted = await fitImageToBytes(image.bytes, maxBytes);
      files.push({ name: `${stem}-${index + 1}.${EXTENSION[fitted.mime] ?? 'png'}`, data: fitted.bytes, contentType: fitted.mime });
    } catch {
      dropped += 1;
    }
  }
  return { files, dropped };
}
