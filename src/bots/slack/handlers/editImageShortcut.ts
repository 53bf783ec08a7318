import type { MessageShortcut } from '@slack/bolt';
import { encodeEditMetadata } from '../editMetadata.js';
import { decide } from '../guard.js';
import { openModal } from '../openModal.js';
import type { SlackContext } from '../SlackContext.js';
import { SlackFiles, type SlackFileLike } from '../SlackFiles.js';
import { editImageModal } from '../views/editImageModal.js';
import { noticeModal } from '../views/noticeModal.js';

/**
 * Message shortcut "Edit image": acks, then opens the modal at once (the trigger id lives 3 s).
 * The message's channel, thread and image files travel in the modal's private metadata. When the
 * message cannot be edited, the modal says why instead. Either way the answer uses the trigger,
 * which Slack exchanges once: a delivery another replica already answered opens nothing and says
 * nothing.
 */
export async function editImageShortcut(ctx: SlackContext, shortcut: MessageShortcut): Promise<void> {
  const message = shortcut.message as MessageShortcut['message'] & { files?: SlackFileLike[]; thread_ts?: string };
  const target = { channel: shortcut.channel.id, user: shortcut.user.id, threadTs: message.thread_ts ?? message.ts };
  const files = SlackFiles.imageCandidates(message.files);
  const problem = refusal(ctx, files);
  const view =
    problem === undefined
      ? editImageModal(ctx.core.catalog, files.length, encodeEditMetadata({ channel: target.channel, threadTs: target.threadTs, files }))
      : noticeModal('Edit image', problem);
  const opened = await decide<boolean | undefined>(ctx.logger, 'edit_image shortcut', () => openModal(ctx.quickClient, shortcut.trigger_id, view), undefined);
  if (opened === false) ctx.logger.info({ shortcut: shortcut.callback_id }, 'shortcut already answered (a repeated delivery)');
  // The modal could not be opened: say it where the message is.
  if (opened === undefined) await ctx.notifier.tell(target, problem ?? 'I couldn’t open the *Edit image* form. Try again in a moment.');
}

/** Why this message cannot be edited, or undefined when it can. */
function refusal(ctx: SlackContext, files: readonly SlackFileLike[]): string | undefined {
  if (files.length === 0) return 'That message has no image files. Use *Edit image* on a message with a PNG, JPEG, WebP or GIF.';
  if (ctx.core.catalog.maxReferences === 0) {
    return `The image service this bot uses (${ctx.core.catalog.provider}) takes no reference images, so *Edit image* is not available.`;
  }
  return undefined;
}
