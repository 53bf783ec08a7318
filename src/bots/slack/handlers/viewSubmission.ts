import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decide, SOMETHING_WENT_WRONG } from '../guard.js';
import { SLACK_IDS } from '../ids.js';
import type { SlackContext } from '../SlackContext.js';
import { fieldError, type ModalDecision } from './submitFromModal.js';

/**
 * Acks a modal submission with its decision: field errors keep the modal open (nothing charged);
 * an accepted job closes it and the user gets the "queued" notice where the result will appear.
 */
export async function answerViewSubmission(
  ctx: SlackContext,
  { body, ack }: Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'body' | 'ack'>,
  decideFor: (ctx: SlackContext, body: ViewSubmitAction) => Promise<ModalDecision>,
): Promise<void> {
  const decision = await decide(ctx.logger, body.view.callback_id, () => decideFor(ctx, body), fieldError(SLACK_IDS.blocks.prompt, SOMETHING_WENT_WRONG));
  if (decision.kind === 'errors') {
    await ack({ response_action: 'errors', errors: { ...decision.errors } });
    return;
  }
  await ack();
  // A retried delivery of a submission already answered needs no second notice.
  if (!decision.duplicate) await ctx.notifier.tell(decision.target, decision.notice);
}
