/**
 * The gateway half of the fake Discord: a WebSocket endpoint speaking the handshake discord.js 14
 * performs (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACK), then carrying dispatches.
 * Sharding is as strict as Discord's: IDENTIFY's `shard: [id, count]` is checked (4010 Invalid
 * shard; 4011 Sharding required when configured so and count is 1), each session is told only of
 * its shard's guilds, and a guild's events reach only the shard `(guild_id >> 22) % count` (events
 * with no guild, like DMs, shard 0).
 * @see docs/PLATFORM-NOTES.md (Discord) for the fields the client needs.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { opaqueToken, shardOf } from './discordIds.js';

/** `[shard_id, num_shards]`, as IDENTIFY carries it. */
export type ShardPair = readonly [number, number];

interface Session {
  readonly ws: WebSocket;
  /** Set by a successful IDENTIFY. */
  shard: ShardPair | undefined;
  seq: number;
}

export interface GatewayOptions {
  readonly token: string;
  /** The ws:// URL of this gateway (READY's `resume_gateway_url`). */
  readonly url: () => string;
  /** The READY payload, less `session_id`, `resume_gateway_url`, `shard` and `guilds`. */
  readonly ready: () => Record<string, unknown>;
  /** Every guild the bot is in (full GUILD_CREATE payloads); each session hears of its shard's only. */
  readonly guilds: () => readonly Record<string, unknown>[];
  /** Whether a session for all guilds (`num_shards` 1) is refused with 4011, as for a bot in 2,500+ guilds. */
  readonly requireSharding: () => boolean;
}

export class FakeGateway {
  /** Intents of every successful IDENTIFY, in order. */
  readonly identifies: number[] = [];
  /** `shard` of every successful IDENTIFY, in order. */
  readonly shards: ShardPair[] = [];
  /** Close codes the gateway sent, in order (4004, 4010, 4011…). */
  readonly closes: number[] = [];
  readonly #options: GatewayOptions;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Set<Session>();
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  constructor(options: GatewayOptions) {
    this.#options = options;
  }

  /** Takes over an HTTP upgrade to `/gateway`; anything else is refused. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!(request.url ?? '').startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws));
  }

  /**
   * Sends a dispatch to the identified sessions of the shard that carries it: the guild's
   * (`guild_id`, or `id` for a GUILD_CREATE), shard 0 without one. Returns how many got it.
   */
  dispatch(t: string, d: Record<string, unknown>): number {
    const guildId = typeof d.guild_id === 'string' ? d.guild_id : t === 'GUILD_CREATE' && typeof d.id === 'string' ? d.id : undefined;
    let sent = 0;
    for (const session of this.#sessions) {
      if (!session.shard || shardOf(guildId, session.shard[1]) !== session.shard[0]) continue;
      this.#send(session, t, d);
      sent += 1;
    }
    return sent;
  }

  /** Resolves once `count` sessions have identified. */
  waitForSessions(count = 1): Promise<void> {
    if (this.#identified() >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const session of this.#sessions) session.ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #identified(): number {
    return [...this.#sessions].filter((s) => s.shard).length;
  }

  #send(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  }

  #close(session: Session, code: number, reason: string): void {
    this.closes.push(code);
    session.ws.close(code, reason);
  }

  #onConnection(ws: WebSocket): void {
    const session: Session = { ws, shard: undefined, seq: 0 };
    this.#sessions.add(session);
    ws.on('close', () => this.#sessions.delete(session));
    ws.on('message', (raw: Buffer) => this.#onFrame(session, raw));
    ws.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 41_250 } }));
  }

  #onFrame(session: Session, raw: Buffer): void {
    let frame: { op?: number; d?: unknown };
    try {
      frame = JSON.parse(raw.toString('utf8')) as { op?: number; d?: unknown };
    } catch {
      this.#close(session, 4002, 'Error while decoding payload.');
      return;
    }
    switch (frame.op) {
      case 1:
        session.ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
        return;
      case 2:
        return this.#identify(session, frame.d ?? {});
      case 6:
        // No resumable sessions here: the client identifies again.
        session.ws.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
        return;
      default:
        return;
    }
  }

  #identify(session: Session, d: { readonly token?: unknown; readonly intents?: unknown; readonly shard?: unknown }): void {
    if (session.shard) {
      this.#close(session, 4005, 'Already authenticated.');
      return;
    }
    if (d.token !== this.#options.token) {
      this.#close(session, 4004, 'Authentication failed.');
      return;
    }
    // Discord takes a missing `shard` as [0, 1]; anything else must be two integers, 0 ≤ id < count.
    const shard = d.shard === undefined ? [0, 1] : d.shard;
    if (!isShardPair(shard)) {
      this.#close(session, 4010, 'Invalid shard.');
      return;
    }
    if (shard[1] === 1 && this.#options.requireSharding()) {
      this.#close(session, 4011, 'Sharding required.');
      return;
    }
    session.shard = shard;
    this.identifies.push(typeof d.intents === 'number' ? d.intents : 0);
    this.shards.push(shard);
    const guilds = this.#options.guilds().filter((g) => shardOf(String(g.id), shard[1]) === shard[0]);
    this.#send(session, 'READY', {
      ...this.#options.ready(),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      shard,
      session_id: opaqueToken('session'),
      resume_gateway_url: this.#options.url(),
    });
    for (const guild of guilds) this.#send(session, 'GUILD_CREATE', guild);
    for (const waiter of [...this.#waiters]) {
      if (this.#identified() >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

function isShardPair(value: unknown): value is ShardPair {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [id, count] = value as unknown[];
  return Number.isInteger(id) && Number.isInteger(count) && (id as number) >= 0 && (count as number) >= 1 && (id as number) < (count as number);
}
