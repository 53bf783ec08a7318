/**
 * Payloads as Slack sends them for each surface this product uses (slash command, message and
 * global shortcuts, view submissions, block actions, app_home_opened), trimmed to documented fields.
 */
import { FAKE_APP, FAKE_BOT_USER, FAKE_TEAM, type FakeState, type FakeView } from './state.js';

let triggerSeq = 0;
/** A fresh trigger id (Slack's look: `<digits>.<digits>.<hex>`). */
export function newTriggerId(): string {
  triggerSeq += 1;
  return `${1_700_000_000 + triggerSeq}.${triggerSeq}.${triggerSeq.toString(16).padStart(8, '0')}`;
}

export interface Who {
  readonly user: string;
  readonly userName?: string;
}

const userOf = (who: Who) => ({ id: who.user, username: who.userName ?? who.user.toLowerCase(), name: who.userName ?? who.user.toLowerCase(), team_id: FAKE_TEAM });
const team = { id: FAKE_TEAM, domain: 'fake' };

export function slashCommand(
  base: string,
  o: Who & { command?: string; text: string; channel: string; channelName?: string; triggerId?: string },
): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM,
    team_domain: 'fake',
    channel_id: o.channel,
    channel_name: o.channelName ?? 'general',
    user_id: o.user,
    user_name: o.userName ?? o.user.toLowerCase(),
    command: o.command ?? '/imagine',
    text: o.text,
    api_app_id: FAKE_APP,
    is_enterprise_install: 'false',
    response_url: `${base}/respond/${newTriggerId()}`,
    trigger_id: o.triggerId ?? newTriggerId(),
  };
}

export interface ShortcutMessage {
  readonly ts: string;
  readonly threadTs?: string;
  readonly text?: string;
  readonly user?: string;
  readonly files?: readonly Record<string, unknown>[];
}

export function messageShortcut(base: string, o: Who & { channel: string; message: ShortcutMessage; callbackId?: string; triggerId?: string }): Record<string, unknown> {
  return {
    type: 'message_action',
    token: 'legacy-verification-token',
    action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
    team,
    user: userOf(o),
    channel: { id: o.channel, name: 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: o.callbackId ?? 'edit_image',
    trigger_id: o.triggerId ?? newTriggerId(),
    response_url: `${base}/respond/${newTriggerId()}`,
    message_ts: o.message.ts,
    message: {
      type: 'message',
      user: o.message.user ?? 'U0AUTHOR',
      ts: o.message.ts,
      text: o.message.text ?? '',
      ...(o.message.threadTs === undefined ? {} : { thread_ts: o.message.threadTs }),
      ...(o.message.files === undefined ? {} : { files: o.message.files, upload: true }),
    },
  };
}

export function globalShortcut(o: Who & { callbackId?: string; triggerId?: string }): Record<string, unknown> {
  return {
    type: 'shortcut',
    token: 'legacy-verification-token',
    action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    team,
    user: userOf(o),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: o.callbackId ?? 'generate_image',
    trigger_id: o.triggerId ?? newTriggerId(),
  };
}

/** State values as Slack reports them: `{ [block_id]: { [action_id]: value } }`. */
export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** Typed helpers for the state of common inputs. */
export const input = {
  text: (value: string) => ({ type: 'plain_text_input', value }),
  select: (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } }),
  conversation: (id: string) => ({ type: 'conversations_select', selected_conversation: id }),
  files: (files: readonly Record<string, unknown>[]) => ({ type: 'file_input', files }),
};

export function viewSubmission(o: Who & { view: FakeView; values: StateValues; triggerId?: string }): Record<string, unknown> {
  return {
    type: 'view_submission',
    token: 'legacy-verification-token',
    team,
    user: userOf(o),
    api_app_id: FAKE_APP,
    trigger_id: o.triggerId ?? newTriggerId(),
    is_enterprise_install: false,
    enterprise: null,
    view: { ...o.view, state: { values: o.values } },
    response_urls: [],
  };
}

export interface ClickedMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string | undefined;
  readonly blocks?: unknown;
}

export function blockAction(base: string, o: Who & { message: ClickedMessage; actionId: string; value: string; actionTs?: string }): Record<string, unknown> {
  const actionTs = o.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(++triggerSeq).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    token: 'legacy-verification-token',
    api_app_id: FAKE_APP,
    team,
    user: userOf(o),
    enterprise: null,
    is_enterprise_install: false,
    container: { type: 'message', message_ts: o.message.ts, channel_id: o.message.channel, is_ephemeral: false },
    channel: { id: o.message.channel, name: 'general' },
    message: {
      type: 'message',
      user: FAKE_BOT_USER,
      ts: o.message.ts,
      ...(o.message.threadTs === undefined ? {} : { thread_ts: o.message.threadTs }),
      blocks: o.message.blocks ?? [],
    },
    trigger_id: newTriggerId(),
    response_url: `${base}/respond/${newTriggerId()}`,
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'result', value: o.value, action_ts: actionTs, text: { type: 'plain_text', text: o.actionId } }],
  };
}

/** An Events API callback wrapping `event`. */
export function eventCallback(event: Record<string, unknown>, state: FakeState): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM,
    api_app_id: FAKE_APP,
    type: 'event_callback',
    event_id: state.next('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: FAKE_TEAM, user_id: FAKE_BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event,
  };
}

export function appHomeOpened(o: Who & { tab?: 'home' | 'messages' }): Record<string, unknown> {
  return { type: 'app_home_opened', user: o.user, channel: `D${o.user}`, tab: o.tab ?? 'home', event_ts: `${Math.floor(Date.now() / 1000)}.000300` };
}
