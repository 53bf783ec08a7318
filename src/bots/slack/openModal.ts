import type { types, webApi } from '@slack/bolt';
import { slackErrorCode } from './slackErrors.js';

/**
 * Opens a modal with a shortcut's trigger id. False when Slack says the trigger was already
 * exchanged for a view: the same delivery reached another replica (or came again) and that one
 * opened it, so there is nothing left to do or to say. Slack lets a trigger open one view only,
 * which makes it the guard against answering a shortcut twice, across processes. Any other failure
 * is thrown.
 */
export async function openModal(client: webApi.WebClient, triggerId: string, view: types.ModalView): Promise<boolean> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
    return true;
  } catch (error) {
    if (slackErrorCode(error) === 'exchanged_trigger_id') return false;
    throw error;
  }
}
