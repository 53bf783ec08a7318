import { idempotencyKey } from '../../../core/credits/accountKey.js';
import type { ViewSubmitAction } from '@slack/bolt';
import { destinationJson } from '../destination.js';
import { decodeEditMetadata } from '../editMetadata.js';
import { SLACK_IDS } from '../ids.js';
import { readModal } from '../readModal.js';
import type { SlackContext } from '../SlackContext.js';
import { actorOfView, fieldError, referencesFor, submitIntent, type ModalDecision } from './submitFromModal.js';

const PROMPT = SLACK_IDS.blocks.prompt;

/**
 * "Edit image" submitted: the message's images (downloaded later by the core with the bot token)
 * and the prompt become an `edit` job whose result goes to the message's thread.
 */
export async function decideEditImage(ctx: SlackContext, body: ViewSubmitAction): Promise<ModalDecision> {
  const { view } = body;
  const meta = decodeEditMetadata(view.private_metadata);
  if (!meta) return fieldError(PROMPT, 'This form is out of date. Close it and use *Edit image* on the message again.');
  const values = readModal(view);
  if (values.prompt === '') return fieldError(PROMPT, 'Say what should change.');
  const actor = actorOfView(ctx, body);
  // Both ask Slack; together they stay within the 3-second ack window.
  const [access, refs] = await Promise.all([ctx.channels.check(meta.channel), referencesFor(ctx, meta.files)]);
  if (!access.ok) return fieldError(PROMPT, access.message);
  if (!refs.ok) return fieldError(PROMPT, refs.message);
  const destination = { team: actor.team, channel: meta.channel, threadTs: meta.threadTs, user: actor.user };
  return submitIntent(
    ctx,
    {
      idempotencyKey: idempotencyKey.slackView(view.id),
      accountKey: actor.accountKey,
      platform: 'slack',
      displayName: actor.displayName,
      destination: destinationJson(destination),
      kind: 'edit',
      prompt: values.prompt,
      options: { aspectRatio: values.aspectRatio, resolution: values.resolution },
      references: refs.references,
    },
    PROMPT,
    destination,
  );
}
