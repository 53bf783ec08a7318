/**
 * A fake Slack on 127.0.0.1 (port 0) for end-to-end tests of the real Bolt app:
 * - the Web API under `/api/<method>` (auth.test, chat.*, views.*, files.* incl. the V2 upload flow,
 *   conversations.info/open, users.info, apps.connections.open), recording every call;
 * - Socket Mode for one app over any number of connections (up to Slack's 10): a new URL per
 *   `apps.connections.open`, envelopes spread over the open connections in turn, redelivered to
 *   another connection when not acked in time, or sent to two at once (a duplicate);
 * - signed HTTP-mode deliveries to the app's request URL, or spread over several (a load balancer);
 * - private file hosting that serves bytes only with the bot token, and otherwise redirects to an
 *   HTML login page, as Slack does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as payloads from './slack/payloads.js';
import { encodeDelivery, sendSigned, type SignOptions } from './slack/signedRequest.js';
import { FakeSocketMode, type EnvelopeType, type SocketModeOptions } from './slack/socketMode.js';
import {
  FakeState,
  type ApiCall,
  type ApiFailure,
  type FakeChannel,
  type FakeFile,
} from './slack/state.js';
import { fileObject, METHODS } from './slack/webApi.js';

export { input, type StateValues } from './slack/payloads.js';
export { slackSignature } from './slack/signedRequest.js';
export type { SocketAck, SocketDelivery } from './slack/socketMode.js';
export { FAKE_BOT_ID, FAKE_BOT_NAME, FAKE_BOT_USER, FAKE_TEAM, type ApiCall, type FakeFile, type FakeMessage, type FakeView } from './slack/state.js';

export const FAKE_SLACK_TOKENS = {
  bot: 'xoxb-fake-bot-token-0123456789',
  app: 'xapp-1-fake-app-token-0123456789',
  signingSecret: 'fake-signing-secret-0123456789abcdef',
} as const;

/** What the app answered: the ack payload (Socket Mode) or the HTTP reply (HTTP mode). */
export interface Delivered {
  readonly status: number;
  readonly body: unknown;
  /** Socket Mode: the envelope's id, to find its other acks in `socket.acks`. */
  readonly envelopeId?: string;
}

export interface DeliverOptions {
  /** Marks the delivery as Slack's retry: `retry_attempt` (Socket Mode) or `X-Slack-Retry-Num` (HTTP). */
  readonly retry?: number;
  /** HTTP mode: `X-Slack-Retry-Reason` of a retry. @defaultValue 'http_timeout' */
  readonly retryReason?: string;
  readonly sign?: Partial<SignOptions>;
  /** A Socket Mode connection id (`socket.connections`), or in HTTP mode one of the request URLs; default the next in turn. */
  readonly to?: string;
  /** Socket Mode: the same envelope over two connections at once. */
  readonly duplicate?: boolean;
  /** Socket Mode: this envelope's ack timeout before Slack redelivers it. */
  readonly ackTimeoutMs?: number;
}

export type FakeSlackOptions = Pick<SocketModeOptions, 'ackTimeoutMs' | 'maxRetries'>;

export type DeliveryKind = 'command' | 'interactive' | 'event';

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>';
const ENVELOPE: Record<DeliveryKind, EnvelopeType> = { command: 'slash_commands', interactive: 'interactive', event: 'events_api' };

export interface FakeSlack {
  readonly url: string;
  /** Pass as SLACK_API_URL. */
  readonly apiUrl: string;
  readonly tokens: typeof FAKE_SLACK_TOKENS;
  readonly state: FakeState;
  readonly calls: readonly ApiCall[];
  readonly socket: FakeSocketMode;
  callsTo(method: string): ApiCall[];
  /** Resolves with the first call (already made or yet to come) of `method` matching `where`. */
  waitForCall(method: string, where?: (call: ApiCall) => boolean): Promise<ApiCall>;
  /** The next calls of `method` fail like this, in order. */
  failNext(method: string, ...failures: ApiFailure[]): void;
  /**
   * From now on, file uploads (the bytes sent to the upload URL) get no answer until `release()`:
   * a slow upload, or a process killed in the middle of one. `started()` resolves once one is held.
   */
  holdUploads(): { release(): void; started(): Promise<void> };
  addChannel(o: { id: string; name?: string; isMember?: boolean; isPrivate?: boolean; isArchived?: boolean }): FakeChannel;
  addUser(id: string, name?: string): void;
  /** A file a user shared; private, downloadable with the bot token only. */
  addFile(o: { name: string; bytes: Buffer; mimetype?: string; user?: string; checkFileInfo?: boolean }): FakeFile;
  /** The file as it appears inside a message or file_input payload. */
  filePayload(file: FakeFile): Record<string, unknown>;
  /** Payload builders bound to this fake. */
  readonly payloads: {
    slashCommand(o: Parameters<typeof payloads.slashCommand>[1]): Record<string, string>;
    messageShortcut(o: Parameters<typeof payloads.messageShortcut>[1]): Record<string, unknown>;
    globalShortcut: typeof payloads.globalShortcut;
    viewSubmission: typeof payloads.viewSubmission;
    blockAction(o: Parameters<typeof payloads.blockAction>[1]): Record<string, unknown>;
    appHomeOpened(o: Parameters<typeof payloads.appHomeOpened>[0]): Record<string, unknown>;
    /** The Events API callback around an event (pass it to `deliver('event', …)` to send the same `event_id` twice). */
    eventCallback(event: Record<string, unknown>): Record<string, unknown>;
  };
  /**
   * Deliveries go over Socket Mode (the default) or, after this, as signed POSTs to `url` — to
   * several URLs in turn, as a load balancer in front of replicas spreads them.
   */
  useHttp(url: string | readonly string[], sign?: Partial<SignOptions>): void;
  /**
   * Delivers a payload the way the chosen transport does and returns the app's answer (Socket Mode:
   * the first ack Slack accepts, after any redeliveries). An `event` is wrapped in a new callback
   * unless it is one already.
   */
  deliver(kind: DeliveryKind, payload: Record<string, unknown>, options?: DeliverOptions): Promise<Delivered>;
  close(): Promise<void>;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const tokens = FAKE_SLACK_TOKENS;
  const state = new FakeState();
  const socket = new FakeSocketMode({ ...options, takeTicket: (ticket) => state.socketTickets.delete(ticket) });
  const calls: ApiCall[] = [];
  const waiters: { method: string; where: (c: ApiCall) => boolean; resolve: (c: ApiCall) => void }[] = [];
  let base = '';
  let http: { urls: readonly string[]; turn: number; sign: Partial<SignOptions> } | undefined;

  const record = (call: ApiCall): void => {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.method === call.method && w.where(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const raw = await readBody(req);
    if (path.startsWith('/api/')) return api(path.slice('/api/'.length), req, raw, res);
    if (path.startsWith('/upload/') && req.method === 'POST') return upload(path.slice('/upload/'.length), req, raw, res);
    if (path.startsWith('/files-pri/') && req.method === 'GET') return privateFile(path, req, res);
    if (path === '/login') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
    if (path.startsWith('/respond/') && req.method === 'POST') {
      state.responses.push({ path, body: parseJson(raw.toString('utf8')) });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };

  const api = async (method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> => {
    const args = await parseArgs(req, raw);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    const failure = state.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      record({ method, args, token, response: { status: failure.status } });
      return void res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('fake failure');
    }
    const impl = METHODS[method];
    const response = failure
      ? { ok: false, error: failure.error }
      : impl
        ? impl({ args, token, state, base, botToken: tokens.bot, appToken: tokens.app, socketUrl: `${base.replace('http', 'ws')}/socket-mode` })
        : { ok: false, error: 'unknown_method' };
    record({ method, args, token, response });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(response));
  };

  let uploadHold: { gate: Promise<void>; held: number; waiters: (() => void)[] } | undefined;
  const upload = async (id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> => {
    const file = state.files.get(id);
    if (!file) return void res.writeHead(404).end('no such upload');
    const hold = uploadHold;
    if (hold) {
      hold.held += 1;
      for (const wake of hold.waiters.splice(0)) wake();
      await hold.gate;
    }
    const contentType = req.headers['content-type'] ?? '';
    let bytes = raw;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      if (!part) return void res.writeHead(400).end('no file part');
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    file.size = bytes.length;
    record({ method: 'upload', args: { file: id, bytes: bytes.length }, token: undefined, response: { ok: true } });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  };

  const privateFile = (path: string, req: IncomingMessage, res: ServerResponse): void => {
    const match = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\//.exec(path);
    const file = match ? state.files.get(match[1]!) : undefined;
    const authorized = req.headers.authorization === `Bearer ${tokens.bot}`;
    if (file) state.downloads.push({ fileId: file.id, authorized });
    if (!authorized) return void res.writeHead(302, { location: '/login' }).end();
    if (!file || file.deleted || !file.bytes) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('file not found');
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) }).end(file.bytes);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake Slack failed: ${String(error)}`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, sock, head: Buffer) => {
    if ((req.url ?? '').startsWith('/socket-mode')) socket.handleUpgrade(req, sock, head);
    else sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSlack = {
    url: base,
    apiUrl: `${base}/api/`,
    tokens,
    state,
    calls,
    socket,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitForCall: (method, where = () => true) => {
      const found = calls.find((c) => c.method === method && where(c));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ method, where, resolve }));
    },
    holdUploads: () => {
      let release: () => void = () => undefined;
      const hold = { gate: new Promise<void>((resolve) => (release = resolve)), held: 0, waiters: [] as (() => void)[] };
      uploadHold = hold;
      return {
        release: () => {
          if (uploadHold === hold) uploadHold = undefined;
          release();
        },
        started: () => (hold.held > 0 ? Promise.resolve() : new Promise<void>((resolve) => hold.waiters.push(resolve))),
      };
    },
    failNext: (method, ...failures) => {
      state.failures.set(method, [...(state.failures.get(method) ?? []), ...failures]);
    },
    addChannel: (o) => {
      const channel: FakeChannel = {
        id: o.id,
        name: o.name ?? o.id.toLowerCase(),
        isMember: o.isMember ?? true,
        isPrivate: o.isPrivate ?? false,
        isIm: false,
        isArchived: o.isArchived ?? false,
      };
      state.channels.set(o.id, channel);
      return channel;
    },
    addUser: (id, name) => {
      state.users.set(id, { id, name: name ?? id.toLowerCase() });
    },
    addFile: (o) => {
      const id = state.next('F');
      const file: FakeFile = {
        id,
        name: o.name,
        mimetype: o.mimetype ?? 'image/png',
        bytes: o.bytes,
        size: o.bytes.length,
        user: o.user ?? 'U0AUTHOR',
        title: o.name,
        altText: undefined,
        checkFileInfo: o.checkFileInfo ?? false,
        channels: [],
        deleted: false,
      };
      state.files.set(id, file);
      return file;
    },
    filePayload: (file) =>
      file.checkFileInfo
        ? { id: file.id, mode: 'file_access', file_access: 'check_file_info', created: Math.floor(Date.now() / 1000), user: file.user }
        : fileObject(base, file),
    payloads: {
      slashCommand: (o) => payloads.slashCommand(base, o),
      messageShortcut: (o) => payloads.messageShortcut(base, o),
      globalShortcut: payloads.globalShortcut,
      viewSubmission: payloads.viewSubmission,
      blockAction: (o) => payloads.blockAction(base, o),
      appHomeOpened: payloads.appHomeOpened,
      eventCallback: (event) => payloads.eventCallback(event, state),
    },
    useHttp: (url, sign = {}) => {
      const urls = typeof url === 'string' ? [url] : [...url];
      if (urls.length === 0) throw new Error('fake Slack: useHttp needs a URL');
      http = { urls, turn: 0, sign };
    },
    deliver: async (kind, payload, options = {}) => {
      const wire = kind === 'event' && payload.type !== 'event_callback' ? payloads.eventCallback(payload, state) : payload;
      if (http) {
        const { body, contentType } = encodeDelivery(kind, wire);
        const url = options.to ?? http.urls[http.turn++ % http.urls.length]!;
        return sendSigned(url, body, contentType, {
          secret: tokens.signingSecret,
          ...http.sign,
          ...options.sign,
          ...(options.retry === undefined ? {} : { retryNum: options.retry, retryReason: options.retryReason ?? 'http_timeout' }),
        });
      }
      const { envelopeId, acked } = socket.send(ENVELOPE[kind], wire, {
        ...(options.retry === undefined ? {} : { retryAttempt: options.retry }),
        ...(options.to === undefined ? {} : { to: options.to }),
        ...(options.duplicate ? { duplicate: true } : {}),
        ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
      });
      const ack = await acked;
      return { status: 200, body: ack.payload, envelopeId };
    },
    close: async () => {
      await socket.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Web API arguments: urlencoded (nested values JSON-encoded, as @slack/web-api sends them) or JSON. */
async function parseArgs(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/json')) return (parseJson(raw.toString('utf8')) as Record<string, unknown>) ?? {};
  const args: Record<string, unknown> = {};
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    for (const [key, value] of form.entries()) if (typeof value === 'string') args[key] = decodeValue(value);
    return args;
  }
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = decodeValue(value);
  return args;
}

function decodeValue(value: string): unknown {
  return value.startsWith('{') || value.startsWith('[') ? parseJson(value) : value;
}
