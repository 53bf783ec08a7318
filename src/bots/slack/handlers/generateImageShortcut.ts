import type { GlobalShortcut } from '@slack/bolt';
import { decide } from '../guard.js';
import { openModal } from '../openModal.js';
import type { SlackContext } from '../SlackContext.js';
import { generateImageModal } from '../views/generateImageModal.js';

/**
 * Global shortcut "Generate image": opens the modal at once (the trigger id lives 3 s). A delivery
 * another replica already answered (its trigger exchanged) opens nothing and says nothing.
 */
export async function generateImageShortcut(ctx: SlackContext, shortcut: GlobalShortcut): Promise<void> {
  const opened = await decide<boolean | undefined>(
    ctx.logger,
    'generate_image shortcut',
    () => openModal(ctx.quickClient, shortcut.trigger_id, generateImageModal(ctx.core.catalog)),
    undefined,
  );
  if (opened === false) ctx.logger.info({ shortcut: shortcut.callback_id }, 'shortcut already answered (a repeated delivery)');
  // A global shortcut has no channel: the only place left to say so is a direct message.
  if (opened === undefined) await ctx.notifier.direct(shortcut.user.id, 'I couldn’t open the *Generate image* form. Try again in a moment.');
}
