import type { APIEmbed } from 'discord.js';
import type { DeliveryCharge, Job } from '../../../core/model.js';
import { plural } from '../../../core/text/plural.js';
import { truncate } from '../../../core/text/truncate.js';

/** Nano Banana yellow. */
const COLOUR = 0xf5c518;
/** Keeps the embed compact; the whole prompt is in the jobs table. */
const PROMPT_CHARS = 1000;

/** The compact result embed: prompt, then model · ratio · resolution · cost · balance · seconds. */
export function summaryEmbed(job: Job, charge: DeliveryCharge, durationMs: number, imageName: string | undefined): APIEmbed {
  const { request } = job;
  const seconds = (durationMs / 1000).toFixed(1);
  return {
    color: COLOUR,
    description: truncate(request.prompt, PROMPT_CHARS),
    ...(imageName ? { image: { url: `attachment://${imageName}` } } : {}),
    footer: {
      text: `${request.model} · ${request.aspectRatio} · ${request.resolution} · ${plural(charge.credits, 'credit')} · ${charge.balance} left · ${seconds} s`,
    },
  };
}
