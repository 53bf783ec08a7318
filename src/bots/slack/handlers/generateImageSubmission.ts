import { idempotencyKey } from '../../../core/credits/accountKey.js';
import type { ViewSubmitAction } from '@slack/bolt';
import { destinationJson } from '../destination.js';
import { SLACK_IDS } from '../ids.js';
import { readModal } from '../readModal.js';
import type { SlackContext } from '../SlackContext.js';
import { actorOfView, fieldError, referencesFor, submitIntent, type ModalDecision } from './submitFromModal.js';

const { prompt: PROMPT, channel: CHANNEL, references: REFERENCES } = SLACK_IDS.blocks;

/** "Generate image" submitted: a job whose result goes to the chosen channel, with any uploaded references. */
export async function decideGenerateImage(ctx: SlackContext, body: ViewSubmitAction): Promise<ModalDecision> {
  const values = readModal(body.view);
  if (values.prompt === '') return fieldError(PROMPT, 'Say what to draw.');
  if (values.channel === undefined) return fieldError(CHANNEL, 'Pick the channel to post the image in.');
  const actor = actorOfView(ctx, body);
  // Both ask Slack; together they stay within the 3-second ack window.
  const [access, refs] = await Promise.all([ctx.channels.check(values.channel), referencesFor(ctx, values.files)]);
  if (!access.ok) return fieldError(CHANNEL, access.message);
  if (!refs.ok) return fieldError(REFERENCES, refs.message);
  const destination = { team: actor.team, channel: values.channel, user: actor.user };
  return submitIntent(
    ctx,
    {
      idempotencyKey: idempotencyKey.slackView(body.view.id),
      accountKey: actor.accountKey,
      platform: 'slack',
      displayName: actor.displayName,
      destination: destinationJson(destination),
      kind: refs.references.length > 0 ? 'edit' : 'imagine',
      prompt: values.prompt,
      options: { aspectRatio: values.aspectRatio, resolution: values.resolution, model: values.model, count: values.count },
      references: refs.references,
    },
    PROMPT,
    destination,
  );
}
