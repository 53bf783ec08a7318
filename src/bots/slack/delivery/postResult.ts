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
 * get URL → upload bytes → complete), then posts the Reroll / Upscale / Delete buttons under them.
 * @returns the uploaded file ids.
 */
export async function postResult(
  client: webApi.WebClient,
  place: PostPlace,
  job: Job,
  images: readonly OutputImage[],
  comment: string,
  canUpscale: boolean,
): Promise<string[]> {
  const thread = place.threadTs === undefined ? {} : { thread_ts: place.threadTs };
  const uploaded = await client.filesUploadV2({
    channel_id: place.channel,
    ...thread,
    initial_comment: comment,
    file_uploads: images.map((image, i) => ({
      file: image.bytes,
      filename: `nano-imagine-${job.id.slice(0, 8)}-${i + 1}.${extensionOf(image)}`,
      alt_text: truncate(oneLine(job.request.prompt), 1000),
    })),
  });
  const fileIds = uploaded.files.flatMap((completed) => (completed.files ?? []).flatMap((f) => (f.id ? [f.id] : [])));
  await client.chat.postMessage({
    channel: place.channel,
    ...thread,
    text: 'Reroll, upscale or delete this image.',
    blocks: resultButtons({ jobId: job.id, fileIds }, canUpscale),
  });
  return fileIds;
}

function extensionOf(image: OutputImage): string {
  const fromName = /\.([a-z0-9]+)$/i.exec(image.name)?.[1];
  return fromName ?? (image.mime === 'image/jpeg' ? 'jpg' : (image.mime.split('/')[1] ?? 'png'));
}
