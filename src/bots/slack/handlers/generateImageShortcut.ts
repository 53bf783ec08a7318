import type { GlobalShortcut } from '@slack/bolt';
import { decide } from '../guard.js';
import type { SlackContext } from '../SlackContext.js';
import { generateImageModal } from '../views/generateImageModal.js';

/** Global shortcut "Generate image": opens the modal at once (the trigger id lives 3 s). */
export async function generateImageShortcut(ctx: SlackContext, shortcut: GlobalShortcut): Promise<void> {
  const opened = await decide(
    ctx.logger,
    'generate_image shortcut',
    async () => {
      await ctx.quickClient.views.open({ trigger_id: shortcut.trigger_id, view: generateImageModal(ctx.core.catalog) });
      return true;
    },
    false,
  );
  // A global shortcut has no channel: the only place left to say so is a direct message.
  if (!opened) await ctx.notifier.direct(shortcut.user.id, 'I couldn’t open the *Generate image* form. Try again in a moment.');
}
