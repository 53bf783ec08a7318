import type { types } from '@slack/bolt';

/**
 * A modal that only says something (one of the adapter's own short texts), with a close button: a
 * shortcut's answer when there is no form to show.
 */
export function noticeModal(title: string, mrkdwn: string): types.ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'OK' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }],
  };
}
