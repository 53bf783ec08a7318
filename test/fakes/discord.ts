/**
 * A fake Discord on real sockets (127.0.0.1, port 0): the REST API under `/api/v10`, an attachment
 * CDN, and a gateway WebSocket that completes the real handshake discord.js 14 performs
 * (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACKs), sharded as Discord shards (see
 * discordGateway.ts). It keeps guilds, messages, registered commands and interactions as Discord
 * would, answers each interaction's callback once (a second is refused, 400 / 40060), records every
 * request, and injects realistic INTERACTION_CREATE payloads, each to the shard of its guild.
 * Facts it follows: docs/PLATFORM-NOTES.md (Discord).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { APIAttachment, APIMessage, APIUser } from 'discord.js';
import { opaqueToken, shardOf, snowflake, snowflakeOnShard } from './discordIds.js';
import { FakeGateway, type ShardPair } from './discordGateway.js';
import {
  encodeOption,
  guildObject,
  interactionObject,
  messageObject,
  sniffContentType,
  submittedComponent,
  textChannelObject,
  userObject,
  type JsonObject,
  type OptionValue,
} from './discordPayloads.js';
import { recordRequest, sendJson, type RecordedFile } from './fakeServerKit.js';

export { shardOf, snowflake } from './discordIds.js';
export type { OptionValue } from './discordPayloads.js';

export const FAKE_DISCORD_TOKEN = 'MTA-fake-discord-bot-token.G0od.t0ken-for-tests-only';

/** Interaction types and callback types (discord-api-types v10). */
export const InteractionKind = { Command: 2, Component: 3, ModalSubmit: 5 } as const;
const Callback = { Reply: 4, Defer: 5, DeferUpdate: 6, Update: 7, Modal: 9 } as const;
const EPHEMERAL = 64;
const LOADING = 128;

/** One request as the fake saw it. */
export interface DiscordRequest {
  readonly method: string;
  /** Path after `/api/v10`, each segment decoded (`%40original` → `@original`), no query. */
  readonly route: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, or a multipart body's `payload_json`. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
  /** `performance.now()` when the request arrived. */
  readonly at: number;
  status: number;
}

/** An interaction the fake sent over the gateway. */
export interface Injected {
  readonly id: string;
  readonly token: string;
  readonly payload: JsonObject;
  /** `performance.now()` just before the gateway frame was written. */
  readonly dispatchedAt: number;
}

interface InteractionState {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly user: APIUser;
  readonly componentMessageId: string | undefined;
  /** Callback requests received for it, accepted or refused. */
  answers: number;
  acknowledged: boolean;
  callbackType: number | undefined;
  originalId: string | undefined;
  modal: JsonObject | undefined;
  expired: boolean;
}

interface StoredFile {
  readonly bytes: Buffer;
  readonly contentType: string;
}

export interface InteractionContext {
  readonly user?: APIUser;
  /** The channel, and so the guild (and shard), it comes from. */
  readonly channelId?: string;
  /** @defaultValue 10 MiB */
  readonly attachmentSizeLimit?: number;
}


interface Waiter {
  readonly predicate: (request: DiscordRequest) => boolean;
  readonly resolve: (request: DiscordRequest) => void;
}

const WAIT_LIMIT_MS = 15_000;
/** Discord's upload limit for a bot in a guild without boosts (per file). */
const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** How the fake refuses uploads when told to (see {@link FakeDiscord.refuseUploads}). */
const UPLOAD_REFUSALS = {
  forbidden: [403, { message: 'Missing Permissions', code: 50013 }],
  too_large: [413, { message: 'Request entity too large', code: 40005 }],
} as const;

export interface FakeDiscordOptions {
  readonly token?: string;
  /**
   * The shard count `GET /gateway/bot` recommends.
   * @defaultValue 1
   */
  readonly shards?: number;
  /** `session_start_limit.max_concurrency`: how many shards may identify at once. @defaultValue 1 */
  readonly maxConcurrency?: number;
  /** Refuse a session for every guild (`shard: [0, 1]`) with 4011, as Discord does past 2,500 guilds. */
  readonly requireSharding?: boolean;
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly botUser: APIUser;
  readonly requests: DiscordRequest[] = [];
  readonly #server: Server;
  readonly #gateway: FakeGateway;
  readonly #waiters = new Set<Waiter>();
  readonly #channels = new Map<string, JsonObject>();
  readonly #messages = new Map<string, APIMessage>();
  readonly #files = new Map<string, StoredFile>();
  readonly #interactions = new Map<string, InteractionState>();
  readonly #commands = new Map<string, JsonObject[]>();
  readonly #users = new Map<string, APIUser>();
  /** Every guild the bot is in; channels say which guild they belong to (`guild_id`). */
  readonly #guilds = new Set<string>();
  readonly #recommendedShards: number;
  readonly #maxConcurrency: number;
  #uploadRefusal: keyof typeof UPLOAD_REFUSALS | undefined;
  #uploadHold: { gate: Promise<void>; held: number; waiters: (() => void)[] } | undefined;
  /** Per-file upload limit; a larger file is answered 413 / 40005 as Discord does. */
  uploadLimitBytes = UPLOAD_LIMIT_BYTES;

  private constructor(server: Server, options: FakeDiscordOptions) {
    this.#server = server;
    this.token = options.token ?? FAKE_DISCORD_TOKEN;
    this.#recommendedShards = options.shards ?? 1;
    this.#maxConcurrency = options.maxConcurrency ?? 1;
    this.botUser = userObject(this.applicationId, 'nano-imagine', true);
    this.#guilds.add(this.guildId);
    this.#channels.set(this.channelId, textChannelObject(this.channelId, this.guildId, 'general'));
    this.#gateway = new FakeGateway({
      token: this.token,
      url: () => `${this.url.replace('http:', 'ws:')}/gateway`,
      requireSharding: () => options.requireSharding === true,
      ready: () => ({
        v: 10,
        user: this.botUser,
        application: { id: this.applicationId, flags: 0 },
        user_settings: {},
        private_channels: [],
        presences: [],
        relationships: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
      }),
      guilds: () => [...this.#guilds].map((id) => this.#guildObject(id)),
    });
    server.on('upgrade', (request, socket, head) => this.#gateway.upgrade(request, socket, head));
    server.on('request', (req, res) => this.#onRequest(req, res));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeDiscord(server, options);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What to set as `DISCORD_API_URL` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** Intents of every IDENTIFY, in order. */
  get identifies(): readonly number[] {
    return this.#gateway.identifies;
  }

  /** `shard` ([id, count]) of every accepted IDENTIFY, in order. */
  get identifiedShards(): readonly ShardPair[] {
    return this.#gateway.shards;
  }

  /** Close codes the gateway sent (4004, 4010 Invalid shard, 4011 Sharding required…), in order. */
  get gatewayCloses(): readonly number[] {
    return this.#gateway.closes;
  }

  async close(): Promise<void> {
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  // ── guilds, people, channels, files ─────────────────────────────────────

  /**
   * Another guild with the bot in it and a text channel; with `shard`, one whose id puts it on that
   * shard of `of` shards. Sessions already connected get its GUILD_CREATE, as when the bot joins.
   */
  addGuild(place: { shard: number; of: number } | undefined = undefined): { guildId: string; channelId: string } {
    const guildId = place ? snowflakeOnShard(place.shard, place.of) : snowflake();
    const channelId = snowflake();
    this.#guilds.add(guildId);
    this.#channels.set(channelId, textChannelObject(channelId, guildId, 'general'));
    this.#gateway.dispatch('GUILD_CREATE', this.#guildObject(guildId));
    return { guildId, channelId };
  }

  /** A guild member the tests can act as. */
  user(username: string): APIUser {
    const existing = [...this.#users.values()].find((u) => u.username === username);
    if (existing) return existing;
    const user = userObject(snowflake(), username);
    this.#users.set(user.id, user);
    return user;
  }

  /** Stores bytes on the fake CDN and returns the attachment object Discord would send. */
  addAttachment(file: { name: string; bytes: Buffer; contentType?: string }, channelId = this.channelId): APIAttachment {
    const id = snowflake();
    const contentType = file.contentType ?? sniffContentType(file.bytes) ?? 'application/octet-stream';
    this.#files.set(id, { bytes: file.bytes, contentType });
    const signed = `ex=${(Math.floor(Date.now() / 1000) + 86_400).toString(16)}&is=${Date.now().toString(16)}&hm=${id.slice(-8)}`;
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}?${signed}&`;
    return {
      id,
      filename: file.name,
      size: file.bytes.length,
      url: `${this.url}${path}`,
      proxy_url: `${this.url}${path}`,
      content_type: contentType,
    };
  }

  /** The bytes behind an attachment URL the fake served. */
  fileBytes(attachment: { url: string }): Buffer {
    const id = new URL(attachment.url).pathname.split('/')[3] ?? '';
    const file = this.#files.get(id);
    if (!file) throw new Error(`no file behind ${attachment.url}`);
    return file.bytes;
  }

  /** A message someone posted in a channel (the target of message commands). */
  postUserMessage(author: APIUser, init: { content?: string; attachments?: APIAttachment[]; channelId?: string }): APIMessage {
    const channelId = init.channelId ?? this.channelId;
    const guildId = this.#guildOf(channelId);
    const message = messageObject({
      channelId,
      ...(guildId === undefined ? {} : { guildId }),
      author,
      content: init.content ?? '',
      attachments: init.attachments ?? [],
    });
    this.#messages.set(message.id, message);
    return message;
  }

  message(id: string): APIMessage | undefined {
    return this.#messages.get(id);
  }

  /** Messages still present in a channel, oldest first. */
  channelMessages(channelId = this.channelId): APIMessage[] {
    return [...this.#messages.values()].filter((m) => m.channel_id === channelId);
  }

  /** The interaction's original response (or, for a component, the message it belongs to). */
  original(interaction: Injected): APIMessage | undefined {
    const id = this.#interactions.get(interaction.id)?.originalId;
    return id === undefined ? undefined : this.#messages.get(id);
  }

  /** How many callbacks (answers) arrived for an interaction, the refused ones included. */
  answers(interaction: Injected): number {
    return this.#interactions.get(interaction.id)?.answers ?? 0;
  }

  /** The callback types Discord received for an interaction (4 reply, 5 defer, 6 deferUpdate, 9 modal). */
  callbackType(interaction: Injected): number | undefined {
    return this.#interactions.get(interaction.id)?.callbackType;
  }

  /** Registered commands (guild commands when `guildId` is given). */
  commands(guildId?: string): JsonObject[] {
    return this.#commands.get(guildId ?? 'global') ?? [];
  }

  /**
   * From now on, every request that uploads files is refused — `forbidden` (403 / 50013, the bot
   * lost its permission) or `too_large` (413 / 40005) — until called with `undefined`.
   */
  refuseUploads(how: keyof typeof UPLOAD_REFUSALS | undefined): void {
    this.#uploadRefusal = how;
  }

  /**
   * From now on, requests that upload files get no answer until `release()` (a slow upload, a
   * process killed in the middle of one); `started()` resolves once one is being held.
   */
  holdUploads(): { release(): void; started(): Promise<void> } {
    let release: () => void = () => undefined;
    const hold = { gate: new Promise<void>((resolve) => (release = resolve)), held: 0, waiters: [] as (() => void)[] };
    this.#uploadHold = hold;
    return {
      release: () => {
        if (this.#uploadHold === hold) this.#uploadHold = undefined;
        release();
      },
      started: () => (hold.held > 0 ? Promise.resolve() : new Promise<void>((resolve) => hold.waiters.push(resolve))),
    };
  }

  /** The direct-message channel the bot opened with this user, if any. */
  dmChannelOf(userId: string): string | undefined {
    return [...this.#channels.values()].find((c) => c.type === 1 && (c.recipients as APIUser[])[0]?.id === userId)?.id as string | undefined;
  }

  /** Every interaction token ran past its 15 minutes: webhook calls now fail with 401 / 50027. */
  expireInteractionTokens(): void {
    for (const state of this.#interactions.values()) state.expired = true;
  }

  // ── waiting ─────────────────────────────────────────────────────────────

  /** Resolves with the first request (already seen or still to come) that matches. */
  waitForRequest(predicate: (request: DiscordRequest) => boolean, label = 'a request', limitMs = WAIT_LIMIT_MS): Promise<DiscordRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.requests.slice(-20).map((r) => `${r.method} ${r.route}`);
        reject(new Error(`fake Discord: no ${label} within ${limitMs} ms; last requests: ${seen.join(', ')}`));
      }, limitMs);
      const waiter: Waiter = {
        predicate,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Requests that carry this interaction's id or token. */
  requestsFor(interaction: Injected): DiscordRequest[] {
    return this.requests.filter((r) => isFor(r, interaction));
  }

  /** The n-th (1-based) request for this interaction matching `method` and a route suffix. */
  waitFor(interaction: Injected, method: string, suffix: string, nth = 1): Promise<DiscordRequest> {
    let seen = 0;
    return this.waitForRequest(
      (r) => r.method === method && isFor(r, interaction) && r.route.endsWith(suffix) && ++seen === nth,
      `${method} …${suffix} #${nth} for interaction ${interaction.id}`,
    );
  }

  /** The interaction's callback (the acknowledgement). */
  waitForCallback(interaction: Injected): Promise<DiscordRequest> {
    return this.waitFor(interaction, 'POST', '/callback');
  }

  /** Resolves once `count` gateway sessions have identified. */
  waitForSessions(count = 1): Promise<void> {
    return this.#gateway.waitForSessions(count);
  }

  // ── injecting interactions ──────────────────────────────────────────────

  /** A slash command; `subcommand` nests the options under it (`/admin grant ...`). */
  slashCommand(name: string, options: Readonly<Record<string, OptionValue>> = {}, context: InteractionContext & { subcommand?: string } = {}): Injected {
    const resolved: { attachments: Record<string, APIAttachment>; users: Record<string, APIUser>; members: Record<string, JsonObject> } = {
      attachments: {},
      users: {},
      members: {},
    };
    const encoded = Object.entries(options).map(([optionName, value]) => encodeOption(optionName, value, resolved));
    const data: JsonObject = {
      id: this.#commandId(name),
      name,
      type: 1,
      options: context.subcommand ? [{ name: context.subcommand, type: 1, options: encoded }] : encoded,
      resolved,
    };
    // Only a guild command carries the guild it is registered to.
    const guildId = this.#guildOf(context.channelId ?? this.channelId);
    if (guildId !== undefined && this.#commands.get(guildId)?.some((c) => c.name === name)) data.guild_id = guildId;
    return this.#inject(InteractionKind.Command, data, context);
  }

  /** A message context-menu command on `target`. */
  messageCommand(name: string, target: APIMessage, context: InteractionContext = {}): Injected {
    const data = { id: this.#commandId(name), name, type: 3, target_id: target.id, resolved: { messages: { [target.id]: target } } };
    return this.#inject(InteractionKind.Command, data, { channelId: target.channel_id, ...context });
  }

  /** A button press on a message. */
  button(message: APIMessage, customId: string, context: InteractionContext = {}): Injected {
    return this.#inject(InteractionKind.Component, { custom_id: customId, component_type: 2 }, { channelId: message.channel_id, ...context }, message);
  }

  /**
   * Submits the modal the bot showed in answer to `opener`: every component of that modal is sent
   * back with the value given here (text for text inputs, attachments for file uploads).
   */
  submitModal(opener: Injected, values: Readonly<Record<string, string | readonly APIAttachment[]>>, context: InteractionContext = {}): Injected {
    const state = this.#interactions.get(opener.id);
    const modal = state?.modal;
    if (!state || !modal) throw new Error(`interaction ${opener.id} did not open a modal`);
    const attachments: Record<string, APIAttachment> = {};
    const components = (modal.components as JsonObject[]).map((row) => submittedComponent(row, values, attachments));
    const data = { custom_id: modal.custom_id, components, resolved: { attachments } };
    const message = state.componentMessageId === undefined ? undefined : this.#messages.get(state.componentMessageId);
    return this.#inject(InteractionKind.ModalSubmit, data, { user: state.user, channelId: state.channelId, ...context }, message);
  }

  /**
   * Sends a raw INTERACTION_CREATE to the sessions of the shard that carries it (its guild's, shard
   * 0 without a guild); returns when it was sent.
   */
  dispatch(payload: JsonObject): number {
    const at = performance.now();
    if (this.#gateway.dispatch('INTERACTION_CREATE', payload) === 0) {
      const guildId = typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
      const counts = [...new Set(this.identifiedShards.map((s) => s[1]))];
      throw new Error(`fake Discord: no gateway session holds the shard of guild ${guildId ?? '(none)'} (shard ${counts.map((n) => `${shardOf(guildId, n)} of ${n}`).join(', ') || '—'})`);
    }
    return at;
  }

  #inject(type: number, data: JsonObject, context: InteractionContext, message?: APIMessage): Injected {
    const id = snowflake();
    const token = opaqueToken('aW50ZXJhY3Rpb24');
    const user = context.user ?? this.user('alice');
    const channelId = context.channelId ?? this.channelId;
    const channel = this.#channels.get(channelId) ?? textChannelObject(channelId, this.guildId, 'other');
    const guildId = typeof channel.guild_id === 'string' ? channel.guild_id : this.guildId;
    this.#interactions.set(id, {
      id,
      token,
      channelId,
      user,
      componentMessageId: message?.id,
      answers: 0,
      acknowledged: false,
      callbackType: undefined,
      originalId: undefined,
      modal: undefined,
      expired: false,
    });
    const payload = interactionObject({
      applicationId: this.applicationId,
      type,
      token,
      id,
      guildId,
      channel,
      user,
      data,
      ...(message ? { message } : {}),
      ...(context.attachmentSizeLimit === undefined ? {} : { attachmentSizeLimit: context.attachmentSizeLimit }),
    });
    const dispatchedAt = this.dispatch(payload);
    return { id, token, payload, dispatchedAt };
  }

  #guildObject(guildId: string): JsonObject {
    const channels = [...this.#channels.values()].filter((c) => c.guild_id === guildId);
    return guildObject(guildId, this.user('owner').id, channels);
  }

  /** The guild a channel belongs to; DM channels belong to none. */
  #guildOf(channelId: string): string | undefined {
    const channel = this.#channels.get(channelId);
    if (!channel) return this.guildId;
    return typeof channel.guild_id === 'string' ? channel.guild_id : undefined;
  }

  #commandId(name: string): string {
    for (const list of this.#commands.values()) {
      const found = list.find((c) => c.name === name);
      if (found) return String(found.id);
    }
    return snowflake();
  }

  // ── REST ────────────────────────────────────────────────────────────────

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/attachments/')) {
      this.#serveFile(url, res);
      return;
    }
    recordRequest(req)
      .then(async (recorded) => {
        const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
        const versioned = segments[0] === 'api' && segments[1] === 'v10';
        const route = `/${segments.slice(versioned ? 2 : 0).join('/')}`;
        const payloadJson = recorded.fields?.payload_json?.[0];
        const body: unknown = payloadJson === undefined ? recorded.json : JSON.parse(payloadJson);
        const request: DiscordRequest = {
          method: recorded.method,
          route,
          query: url.searchParams,
          headers: req.headers,
          body,
          files: recorded.files ?? [],
          at,
          status: 0,
        };
        const hold = this.#uploadHold;
        if (hold && request.files.length > 0) {
          hold.held += 1;
          for (const wake of hold.waiters.splice(0)) wake();
          await hold.gate;
        }
        const [status, reply] = versioned ? this.#route(request) : [404, { message: '404: Not Found', code: 0 }];
        request.status = status;
        if (status === 204) res.writeHead(204).end();
        else sendJson(res, status, reply);
        this.#record(request);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { message: `fake Discord failed: ${String(error)}`, code: 0 });
      });
  }

  #record(request: DiscordRequest): void {
    this.requests.push(request);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(request)) {
        this.#waiters.delete(waiter);
        waiter.resolve(request);
      }
    }
  }

  #serveFile(url: URL, res: ServerResponse): void {
    const id = url.pathname.split('/')[3] ?? '';
    const file = this.#files.get(id);
    if (!file || !url.searchParams.has('ex')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) }).end(file.bytes);
  }

  #route(r: DiscordRequest): [number, unknown] {
    if (r.files.length > 0) {
      if (this.#uploadRefusal) return [...UPLOAD_REFUSALS[this.#uploadRefusal]];
      if (r.files.some((f) => f.bytes.length > this.uploadLimitBytes)) return [...UPLOAD_REFUSALS.too_large];
    }
    const p = r.route.split('/').filter(Boolean);
    const key = `${r.method} ${p.join('/')}`;
    if (p[0] === 'interactions' && p[3] === 'callback' && r.method === 'POST') return this.#callback(p[1]!, p[2]!, r);
    if (p[0] === 'webhooks') return this.#webhook(p, r);
    if (r.headers.authorization !== `Bot ${this.token}`) return [401, { message: '401: Unauthorized', code: 0 }];
    if (key === 'GET gateway/bot') {
      return [
        200,
        {
          url: `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/gateway`,
          shards: this.#recommendedShards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.#maxConcurrency },
        },
      ];
    }
    if (key === 'GET users/@me') return [200, this.botUser];
    if (key === 'POST users/@me/channels') return this.#openDm(r);
    if (p[0] === 'applications' && p[1] === this.applicationId) return this.#commandsRoute(p, r);
    if (p[0] === 'channels' && p[1] !== undefined) return this.#channelRoute(p[1], p.slice(2), r);
    return [404, { message: '404: Not Found', code: 0 }];
  }

  #openDm(r: DiscordRequest): [number, unknown] {
    const id = (r.body as JsonObject | undefined)?.recipient_id;
    const recipient = typeof id === 'string' ? this.#users.get(id) : undefined;
    if (!recipient) return [400, { message: 'Invalid Recipient(s)', code: 50033 }];
    const existing = this.dmChannelOf(recipient.id);
    if (existing) return [200, this.#channels.get(existing)];
    const channel: JsonObject = { id: snowflake(), type: 1, last_message_id: null, recipients: [recipient] };
    this.#channels.set(channel.id as string, channel);
    return [200, channel];
  }

  #commandsRoute(p: string[], r: DiscordRequest): [number, unknown] {
    const scope = p[2] === 'guilds' && p[4] === 'commands' ? p[3]! : p[2] === 'commands' && p.length === 3 ? 'global' : undefined;
    if (scope === undefined) return [404, { message: '404: Not Found', code: 0 }];
    if (r.method === 'GET') return [200, this.#commands.get(scope) ?? []];
    if (r.method !== 'PUT' || !Array.isArray(r.body)) return [405, { message: '405: Method Not Allowed', code: 0 }];
    const previous = this.#commands.get(scope) ?? [];
    const stored = (r.body as JsonObject[]).map((command) => ({
      id: previous.find((c) => c.name === command.name)?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type: 1,
      description: '',
      default_member_permissions: null,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...(scope === 'global' ? {} : { guild_id: scope }),
      ...command,
    }));
    this.#commands.set(scope, stored);
    return [200, stored];
  }

  #channelRoute(channelId: string, rest: string[], r: DiscordRequest): [number, unknown] {
    const channel = this.#channels.get(channelId);
    if (!channel) return [404, { message: 'Unknown Channel', code: 10003 }];
    if (rest.length === 0 && r.method === 'GET') return [200, channel];
    if (rest[0] !== 'messages') return [404, { message: '404: Not Found', code: 0 }];
    if (rest.length === 1 && r.method === 'POST') {
      const body = (r.body ?? {}) as JsonObject;
      const reference = body.message_reference as JsonObject | undefined;
      const referenced = typeof reference?.message_id === 'string' ? reference.message_id : undefined;
      if (referenced !== undefined && !this.#messages.has(referenced) && reference?.fail_if_not_exists !== false) {
        return [400, { message: 'Invalid Form Body', code: 50035 }];
      }
      const message = this.#createMessage(channelId, body, r.files, {
        ...(reference ? { messageReference: { ...reference, channel_id: channelId, guild_id: this.#guildOf(channelId) } } : {}),
      });
      return [200, message];
    }
    const message = rest[1] === undefined ? undefined : this.#messages.get(rest[1]);
    if (!message || message.channel_id !== channelId) return [404, { message: 'Unknown Message', code: 10008 }];
    if (r.method === 'GET') return [200, message];
    if (r.method === 'DELETE') {
      this.#messages.delete(message.id);
      return [204, undefined];
    }
    if (r.method === 'PATCH') return [200, this.#editMessage(message, (r.body ?? {}) as JsonObject, r.files)];
    return [405, { message: '405: Method Not Allowed', code: 0 }];
  }

  #callback(id: string, token: string, r: DiscordRequest): [number, unknown] {
    const state = this.#interactions.get(id);
    if (!state || state.token !== token || state.expired) return [404, { message: 'Unknown interaction', code: 10062 }];
    state.answers += 1;
    if (state.acknowledged) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    const body = (r.body ?? {}) as { type?: number; data?: JsonObject };
    const data = body.data ?? {};
    switch (body.type) {
      case Callback.Reply:
        state.originalId = this.#createMessage(state.channelId, data, r.files, { interaction: state }).id;
        break;
      case Callback.Defer:
        state.originalId = this.#createMessage(state.channelId, { flags: (Number(data.flags ?? 0) & EPHEMERAL) | LOADING }, [], { interaction: state }).id;
        break;
      case Callback.DeferUpdate:
      case Callback.Update: {
        if (state.componentMessageId === undefined) return [400, { message: 'Interaction has no message', code: 50035 }];
        state.originalId = state.componentMessageId;
        const message = this.#messages.get(state.componentMessageId);
        if (body.type === Callback.Update && message) this.#editMessage(message, data, r.files);
        break;
      }
      case Callback.Modal:
        state.modal = data;
        break;
      default:
        return [400, { message: 'Invalid Form Body', code: 50035 }];
    }
    state.acknowledged = true;
    state.callbackType = body.type;
    if (r.query.get('with_response') !== 'true') return [204, undefined];
    const original = state.originalId === undefined ? undefined : this.#messages.get(state.originalId);
    return [
      200,
      {
        interaction: { id, type: 2, response_message_id: state.originalId, response_message_loading: body.type === Callback.Defer, response_message_ephemeral: Boolean(Number(data.flags ?? 0) & EPHEMERAL) },
        resource: { type: body.type, ...(original ? { message: original } : {}) },
      },
    ];
  }

  #webhook(p: string[], r: DiscordRequest): [number, unknown] {
    const [, appId, token, messages, messageId] = p;
    const state = [...this.#interactions.values()].find((s) => s.token === token);
    if (appId !== this.applicationId || !state) return [404, { message: 'Unknown Webhook', code: 10015 }];
    if (state.expired) return [401, { message: 'Invalid Webhook Token', code: 50027 }];
    if (!state.acknowledged) return [404, { message: 'Unknown Webhook', code: 10015 }];
    if (messages === undefined && r.method === 'POST') {
      const message = this.#createMessage(state.channelId, (r.body ?? {}) as JsonObject, r.files, { interaction: state });
      return r.query.get('wait') === 'true' ? [200, message] : [204, undefined];
    }
    const targetId = messageId === '@original' ? state.originalId : messageId;
    const message = targetId === undefined ? undefined : this.#messages.get(targetId);
    if (messages !== 'messages' || !message) return [404, { message: 'Unknown Message', code: 10008 }];
    if (r.method === 'GET') return [200, message];
    if (r.method === 'DELETE') {
      this.#messages.delete(message.id);
      return [204, undefined];
    }
    if (r.method === 'PATCH') return [200, this.#editMessage(message, (r.body ?? {}) as JsonObject, r.files)];
    return [405, { message: '405: Method Not Allowed', code: 0 }];
  }

  #createMessage(
    channelId: string,
    body: JsonObject,
    files: readonly RecordedFile[],
    extra: { interaction?: InteractionState; messageReference?: JsonObject },
  ): APIMessage {
    const guildId = this.#guildOf(channelId);
    const message = messageObject({
      channelId,
      ...(guildId === undefined ? {} : { guildId }),
      author: this.botUser,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: (body.embeds as APIMessage['embeds'] | undefined) ?? [],
      components: (body.components as unknown[] | undefined) ?? [],
      attachments: this.#attachmentsFor(channelId, body, files, []),
      flags: Number(body.flags ?? 0),
      applicationId: this.applicationId,
      ...(extra.messageReference ? { messageReference: extra.messageReference } : {}),
      ...(extra.interaction ? { interaction: { id: extra.interaction.id, type: 2, user: extra.interaction.user } } : {}),
    });
    this.#messages.set(message.id, message);
    return message;
  }

  #editMessage(message: APIMessage, body: JsonObject, files: readonly RecordedFile[]): APIMessage {
    const edited = {
      ...message,
      ...(typeof body.content === 'string' ? { content: body.content } : {}),
      ...(Array.isArray(body.embeds) ? { embeds: body.embeds as APIMessage['embeds'] } : {}),
      ...(Array.isArray(body.components) ? { components: body.components as APIMessage['components'] } : {}),
      attachments: this.#attachmentsFor(message.channel_id, body, files, message.attachments),
      flags: (message.flags ?? 0) & ~LOADING,
      edited_timestamp: new Date().toISOString(),
    } as APIMessage;
    this.#messages.set(message.id, edited);
    return edited;
  }

  /**
   * Attachments after a create or edit: `attachments` in the payload lists existing ones to keep (by
   * id) and new uploads (by `files[n]` index); without it, existing ones stay and uploads are added.
   */
  #attachmentsFor(channelId: string, body: JsonObject, files: readonly RecordedFile[], existing: readonly APIAttachment[]): APIAttachment[] {
    const upload = (file: RecordedFile): APIAttachment =>
      this.addAttachment({ name: file.name, bytes: file.bytes, ...(file.type ? { contentType: sniffContentType(file.bytes) ?? file.type } : {}) }, channelId);
    const byIndex = new Map(files.map((f) => [/^files\[(\d+)\]$/.exec(f.field)?.[1] ?? f.field, f]));
    if (!Array.isArray(body.attachments)) return [...existing, ...files.map(upload)];
    const out: APIAttachment[] = [];
    for (const entry of body.attachments as { id?: string | number }[]) {
      const kept = existing.find((a) => a.id === String(entry.id));
      if (kept) out.push(kept);
      else {
        const file = byIndex.get(String(entry.id));
        if (file) out.push(upload(file));
      }
    }
    return out;
  }
}

function isFor(request: DiscordRequest, interaction: Injected): boolean {
  return request.route.includes(`/${interaction.id}/`) || request.route.includes(`/${interaction.token}`);
}
