import type { App, BlockAction, ButtonAction, GlobalShortcut, MessageShortcut, ViewSubmitAction } from '@slack/bolt';
import { appHomeOpened } from './handlers/appHomeOpened.js';
import { creditsCommand } from './handlers/creditsCommand.js';
import { deleteResult } from './handlers/deleteResult.js';
import { deriveFromResult } from './handlers/deriveFromResult.js';
import { decideEditImage } from './handlers/editImageSubmission.js';
import { editImageShortcut } from './handlers/editImageShortcut.js';
import { decideGenerateImage } from './handlers/generateImageSubmission.js';
import { generateImageShortcut } from './handlers/generateImageShortcut.js';
import { imagineCommand } from './handlers/imagineCommand.js';
import { answerViewSubmission } from './handlers/viewSubmission.js';
import { SLACK_IDS } from './ids.js';
import type { SlackContext } from './SlackContext.js';

/**
 * Every listener of the Slack app. Receivers ack; listeners decide: each listener acks within the
 * 3-second window (shortcuts and buttons at once, commands and submissions with their answer) and
 * runs tracked, so stopping waits for it.
 */
export function registerHandlers(app: App, ctx: SlackContext): void {
  const { commands, shortcuts, views, actions } = SLACK_IDS;
  const tracked = (work: () => Promise<void>): Promise<void> => ctx.inflight.run(work);

  app.command(commands.imagine, ({ command, ack }) => tracked(() => imagineCommand(ctx, { command, ack })));
  app.command(commands.credits, ({ command, ack }) => tracked(() => creditsCommand(ctx, { command, ack })));

  // A redelivered shortcut must not try its (single-use) trigger again: the first delivery opened the modal.
  app.shortcut<MessageShortcut>({ callback_id: shortcuts.editImage, type: 'message_action' }, async ({ shortcut, ack }) => {
    await ack();
    if (!ctx.triggers.first(shortcut.trigger_id)) return;
    await tracked(() => editImageShortcut(ctx, shortcut));
  });
  app.shortcut<GlobalShortcut>({ callback_id: shortcuts.generateImage, type: 'shortcut' }, async ({ shortcut, ack }) => {
    await ack();
    if (!ctx.triggers.first(shortcut.trigger_id)) return;
    await tracked(() => generateImageShortcut(ctx, shortcut));
  });

  app.view<ViewSubmitAction>(views.editImage, ({ body, ack }) => tracked(() => answerViewSubmission(ctx, { body, ack }, decideEditImage)));
  app.view<ViewSubmitAction>(views.generateImage, ({ body, ack }) =>
    tracked(() => answerViewSubmission(ctx, { body, ack }, decideGenerateImage)),
  );

  const button = (run: (body: BlockAction, action: ButtonAction) => Promise<void>) =>
    async ({ body, action, ack }: { body: BlockAction; action: ButtonAction; ack: () => Promise<void> }): Promise<void> => {
      await ack();
      await tracked(() => run(body, action));
    };
  app.action<BlockAction<ButtonAction>>(actions.reroll, button((body, action) => deriveFromResult(ctx, 'reroll', body, action)));
  app.action<BlockAction<ButtonAction>>(actions.upscale, button((body, action) => deriveFromResult(ctx, 'upscale', body, action)));
  app.action<BlockAction<ButtonAction>>(actions.delete, button((body, action) => deleteResult(ctx, body, action)));

  app.event('app_home_opened', ({ event, body }) => tracked(() => appHomeOpened(ctx, { event, body })));

  app.error((error) => {
    ctx.logger.error({ err: error }, 'Slack listener failed');
    return Promise.resolve();
  });
}
