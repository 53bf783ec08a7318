/**
 * The fake's Web API methods, each as Slack documents its arguments and reply (only the fields this
 * product reads or sends). Every method answers `{ ok: false, error }` the way Slack does.
 */
import { FAKE_APP, FAKE_BOT_ID, FAKE_BOT_NAME, FAKE_BOT_USER, FAKE_TEAM, type FakeFile, type FakeState, type FakeView } from './state.js';

export interface MethodContext {
  readonly args: Readonly<Record<string, unknown>>;
  readonly token: string | undefined;
  readonly state: FakeState;
  /** http://127.0.0.1:port */
  readonly base: string;
  readonly botToken: string;
  readonly appToken: string;
  /** Where `apps.connections.open` sends the Socket Mode client. */
  readonly socketUrl: string;
}

type Reply = Record<string, unknown>;
type Method = (ctx: MethodContext) => Reply;

const fail = (error: string): Reply => ({ ok: false, error });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Private URLs of a file, as Slack serves them to a token holder. */
export function fileUrls(base: string, file: Pick<FakeFile, 'id' | 'name'>): { url_private: string; url_private_download: string } {
  const root = `${base}/files-pri/${FAKE_TEAM}-${file.id}`;
  return { url_private: `${root}/${encodeURIComponent(file.name)}`, url_private_download: `${root}/download/${encodeURIComponent(file.name)}` };
}

/** The full file object (`files.info`, `completeUploadExternal`, message payloads). */
export function fileObject(base: string, file: FakeFile): Reply {
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.name.split('.').pop() ?? 'binary',
    size: file.size,
    user: file.user,
    channels: [...file.channels],
    ...fileUrls(base, file),
    permalink: `${base}/archives/${file.id}`,
  };
}

function requireBot(ctx: MethodContext): Reply | undefined {
  if (ctx.token === undefined) return fail('not_authed');
  if (ctx.token === ctx.appToken) return fail('not_allowed_token_type');
  if (ctx.token !== ctx.botToken) return fail('invalid_auth');
  return undefined;
}

function postMessage(ctx: MethodContext, files: readonly string[] = []): Reply {
  const channel = str(ctx.args.channel) ?? str(ctx.args.channel_id);
  if (!channel) return fail('channel_not_found');
  const refused = ctx.state.refusePost(channel);
  if (refused) return fail(refused);
  const ts = ctx.state.ts();
  const text = str(ctx.args.text) ?? str(ctx.args.initial_comment) ?? '';
  const message = { channel, ts, threadTs: str(ctx.args.thread_ts), user: FAKE_BOT_USER, text, blocks: ctx.args.blocks, files, deleted: false };
  ctx.state.messages.push(message);
  return { ok: true, channel, ts, message: { type: 'message', ts, text, user: FAKE_BOT_USER, bot_id: FAKE_BOT_ID, blocks: ctx.args.blocks } };
}

function storeView(ctx: MethodContext, id: string, previous: FakeView | undefined): Reply {
  const view = ctx.args.view as Record<string, unknown> | undefined;
  if (!view || typeof view !== 'object') return fail('invalid_arguments');
  const stored: FakeView = {
    id,
    team_id: FAKE_TEAM,
    app_id: FAKE_APP,
    bot_id: FAKE_BOT_ID,
    type: String(view.type),
    callback_id: str(view.callback_id) ?? '',
    private_metadata: str(view.private_metadata) ?? '',
    blocks: Array.isArray(view.blocks) ? view.blocks : [],
    title: view.title,
    submit: view.submit ?? null,
    close: view.close ?? null,
    hash: ctx.state.next('h'),
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: null,
    state: { values: {} },
  };
  ctx.state.views.set(id, stored);
  return { ok: true, view: stored };
}

export const METHODS: Readonly<Record<string, Method>> = {
  'auth.test': (ctx) =>
    requireBot(ctx) ?? {
      ok: true,
      url: `${ctx.base}/`,
      team: 'Fake Team',
      user: FAKE_BOT_NAME,
      team_id: FAKE_TEAM,
      user_id: FAKE_BOT_USER,
      bot_id: FAKE_BOT_ID,
      is_enterprise_install: false,
    },

  'apps.connections.open': (ctx) => {
    if (ctx.token !== ctx.appToken) return fail(ctx.token === ctx.botToken ? 'not_allowed_token_type' : 'invalid_auth');
    // A new URL every time: each process (or reconnect) gets its own connection.
    const ticket = ctx.state.next('tk');
    ctx.state.socketTickets.add(ticket);
    return { ok: true, url: `${ctx.socketUrl}?ticket=${ticket}` };
  },

  'chat.postMessage': (ctx) => requireBot(ctx) ?? postMessage(ctx),

  'chat.postEphemeral': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const channel = str(ctx.args.channel) ?? '';
    const user = str(ctx.args.user);
    const refused = ctx.state.refusePost(channel);
    if (refused) return fail(refused);
    if (!user) return fail('user_not_found');
    ctx.state.ephemerals.push({ channel, user, text: str(ctx.args.text) ?? '', threadTs: str(ctx.args.thread_ts) });
    return { ok: true, message_ts: ctx.state.ts() };
  },

  'chat.update': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const message = ctx.state.messages.find((m) => m.channel === ctx.args.channel && m.ts === ctx.args.ts && !m.deleted);
    if (!message) return fail('message_not_found');
    message.text = str(ctx.args.text) ?? message.text;
    message.blocks = ctx.args.blocks ?? message.blocks;
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  },

  'chat.delete': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const message = ctx.state.messages.find((m) => m.channel === ctx.args.channel && m.ts === ctx.args.ts && !m.deleted);
    if (!message) return fail('message_not_found');
    if (message.user !== FAKE_BOT_USER) return fail('cant_delete_message');
    message.deleted = true;
    return { ok: true, channel: message.channel, ts: message.ts };
  },

  'views.open': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const trigger = str(ctx.args.trigger_id);
    if (!trigger) return fail('invalid_arguments');
    // Single-use: a second exchange (another replica handling the same delivery) is refused.
    if (ctx.state.usedTriggers.has(trigger)) return fail('exchanged_trigger_id');
    ctx.state.usedTriggers.add(trigger);
    return storeView(ctx, ctx.state.next('V'), undefined);
  },

  'views.update': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const id = str(ctx.args.view_id);
    const previous = id === undefined ? undefined : ctx.state.views.get(id);
    if (!id || !previous) return fail('not_found');
    if (ctx.args.hash !== undefined && ctx.args.hash !== previous.hash) return fail('hash_conflict');
    return storeView(ctx, id, previous);
  },

  'views.publish': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const user = str(ctx.args.user_id);
    if (!user) return fail('invalid_arguments');
    ctx.state.homes.set(user, ctx.args.view);
    return { ok: true, view: { id: ctx.state.next('V'), type: 'home', ...(ctx.args.view as object) } };
  },

  'files.getUploadURLExternal': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const filename = str(ctx.args.filename);
    const length = Number(ctx.args.length);
    if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = ctx.state.next('F');
    ctx.state.files.set(id, {
      id,
      name: filename,
      mimetype: mimeOf(filename),
      bytes: undefined,
      size: length,
      user: FAKE_BOT_USER,
      title: filename,
      altText: str(ctx.args.alt_text),
      checkFileInfo: false,
      channels: [],
      deleted: false,
    });
    return { ok: true, upload_url: `${ctx.base}/upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const entries = Array.isArray(ctx.args.files) ? (ctx.args.files as { id?: string; title?: string }[]) : [];
    const files = entries.map((e) => (e.id === undefined ? undefined : ctx.state.files.get(e.id)));
    if (entries.length === 0 || files.some((f) => f?.bytes === undefined)) return fail('file_upload_not_found');
    const channel = str(ctx.args.channel_id);
    if (channel) {
      const refused = ctx.state.refusePost(channel);
      if (refused) return fail(refused);
      for (const f of files) f!.channels.push(channel);
      postMessage(ctx, files.map((f) => f!.id));
    }
    return { ok: true, files: files.map((f) => ({ id: f!.id, title: f!.title })) };
  },

  'files.info': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const file = ctx.state.files.get(str(ctx.args.file) ?? '');
    if (!file || file.deleted) return fail('file_not_found');
    return { ok: true, file: fileObject(ctx.base, file) };
  },

  'files.delete': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const file = ctx.state.files.get(str(ctx.args.file) ?? '');
    if (!file || file.deleted) return fail('file_not_found');
    if (file.user !== FAKE_BOT_USER) return fail('cant_delete_file');
    file.deleted = true;
    return { ok: true };
  },

  'conversations.info': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const channel = ctx.state.channels.get(str(ctx.args.channel) ?? '');
    // Slack hides private conversations the bot is not in.
    if (!channel || ((channel.isPrivate || channel.isIm) && !channel.isMember)) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id: channel.id,
        name: channel.name,
        is_channel: !channel.isPrivate && !channel.isIm,
        is_group: channel.isPrivate,
        is_im: channel.isIm,
        is_private: channel.isPrivate || channel.isIm,
        is_member: channel.isMember,
        is_archived: channel.isArchived,
      },
    };
  },

  'conversations.open': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const user = str(ctx.args.users);
    if (!user || !ctx.state.users.has(user)) return fail('user_not_found');
    const id = `D${user}`;
    if (!ctx.state.channels.has(id)) ctx.state.channels.set(id, { id, name: id, isMember: true, isPrivate: false, isIm: true, isArchived: false });
    return { ok: true, channel: { id } };
  },

  'users.info': (ctx) => {
    const denied = requireBot(ctx);
    if (denied) return denied;
    const user = ctx.state.users.get(str(ctx.args.user) ?? '');
    if (!user) return fail('user_not_found');
    return {
      ok: true,
      user: { id: user.id, team_id: FAKE_TEAM, name: user.name, real_name: user.name, is_bot: false, profile: { display_name: user.name, real_name: user.name } },
    };
  },
};

function mimeOf(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  if (ext === 'png') return 'image/png';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'webp') return 'image/webp';
  if (ext === 'gif') return 'image/gif';
  return 'application/octet-stream';
}
