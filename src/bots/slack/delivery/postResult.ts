import type { webApi } from '@slack/bolt';
import type { OutputImage } from '../../../core/generation/types.js';
import type { Job } from '../../../core/model.js';
import { truncate } from '../../../core/text/truncate.js';
import { oneLine } from '../mrkdwn.js';
import { resultButtons } from '../views/resultMessage.js';

export interface PostPlace {
  readonly channel: string;
  readonly threadTs?: string | undefined;
}

/**
 * Shares a job's images into a channel or thread with the summary as their comment (upload V2:
 * get URL → upload bytes → complete). Once this resolves Slack holds the images: the job is
 * delivered, whatever happens to the buttons after.
 * @returns the uploaded file ids.
 */
export async function uploadResult(client: webApi.WebClient, place: PostPlace, job: Job, images: readonly OutputImage[], comment: string): Promise<string[]> {
  const uploaded = await client.filesUploadV2({
    channel_id: place.channel,
    ...threadOf(place),
    initial_comment: comment,
    file_uploads: images.map((image, i) => ({
      file: image.bytes,
      filename: `nano-imagine-${job.id.slice(0, 8)}-${i + 1}.${extensionOf(image)}`,
      alt_text: truncate(oneLine(job.request.prompt), 1000),
    })),
  });
  return uploaded.files.flatMap((completed) => (completed.files ?? []).flatMap((f) => (f.id ? [f.id] : [])));
}

/** The Reroll / Upscale / Delete buttons under an uploaded result. */
export async function postResultButtons(client: webApi.WebClient, place: PostPlace, job: Job, fileIds: readonly string[], canUpscale: boolean): Promise<void> {
  await client.chat.postMessage({
    channel: place.channel,
    ...threadOf(place),
    text: 'Reroll, upscale or delete this image.',
    blocks: resultButtons({ jobId: job.id, fileIds }, canUpscale),
  });
}

function threadOf(place: PostPlace): { thread_ts?: string } {
  return place.threadTs === undefined ? {} : { thread_ts: place.threadTs };
}

function extensionOf(image: OutputImage): string {
  const fromName = /\.([a-z0-9]+)$/i.exec(image.name)?.[1];
  return fromName ?? (image.mime === 'image/jpeg' ? 'jpg' : (image.mime.split('/')[1] ?? 'png'));
}
