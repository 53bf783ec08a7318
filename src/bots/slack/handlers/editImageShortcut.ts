import type { MessageShortcut } from '@slack/bolt';
import { encodeEditMetadata } from '../editMetadata.js';
import { decide } from '../guard.js';
import type { SlackContext } from '../SlackContext.js';
import { SlackFiles, type SlackFileLike } from '../SlackFiles.js';
import { editImageModal } from '../views/editImageModal.js';

/**
 * Message shortcut "Edit image": acks, then opens the modal at once (the trigger id lives 3 s).
 * The message's channel, thread and image files travel in the modal's private metadata.
 */
export async function editImageShortcut(ctx: SlackContext, shortcut: MessageShortcut): Promise<void> {
  const message = shortcut.message as MessageShortcut['message'] & { files?: SlackFileLike[]; thread_ts?: string };
  const target = { channel: shortcut.channel.id, user: shortcut.user.id, threadTs: message.thread_ts ?? message.ts };
  const problem = await decide(
    ctx.logger,
    'edit_image shortcut',
    async (): Promise<string | undefined> => {
      const files = SlackFiles.imageCandidates(message.files);
      if (files.length === 0) return 'That message has no image files. Use *Edit image* on a message with a PNG, JPEG, WebP or GIF.';
      if (ctx.core.catalog.maxReferences === 0) {
        return `The image service this bot uses (${ctx.core.catalog.provider}) takes no reference images, so *Edit image* is not available.`;
      }
      const metadata = encodeEditMetadata({ channel: target.channel, threadTs: target.threadTs, files });
      await ctx.quickClient.views.open({ trigger_id: shortcut.trigger_id, view: editImageModal(ctx.core.catalog, files.length, metadata) });
      return undefined;
    },
    'I couldn’t open the *Edit image* form. Try again in a moment.',
  );
  if (problem !== undefined) await ctx.notifier.tell(target, problem);
}
