/**
 * The gateway half of the fake Discord: a WebSocket endpoint speaking the handshake discord.js 14
 * performs (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACK), then carrying dispatches.
 * @see docs/PLATFORM-NOTES.md (Discord) for the fields the client needs.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { opaqueToken } from './discordIds.js';

interface Session {
  readonly ws: WebSocket;
  identified: boolean;
  seq: number;
}

export interface GatewayOptions {
  readonly token: string;
  /** The ws:// URL of this gateway (READY's `resume_gateway_url`). */
  readonly url: () => string;
  /** The READY payload, less `session_id` and `resume_gateway_url`. */
  readonly ready: () => Record<string, unknown>;
  /** One GUILD_CREATE per guild in READY, sent right after it. */
  readonly guilds: () => readonly Record<string, unknown>[];
}

export class FakeGateway {
  /** Intents of every successful IDENTIFY, in order. */
  readonly identifies: number[] = [];
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

  /** Sends a dispatch to every identified session; returns how many got it. */
  dispatch(t: string, d: unknown): number {
    let sent = 0;
    for (const session of this.#sessions) {
      if (!session.identified) continue;
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
    return [...this.#sessions].filter((s) => s.identified).length;
  }

  #send(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  }

  #onConnection(ws: WebSocket): void {
    const session: Session = { ws, identified: false, seq: 0 };
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
      session.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    switch (frame.op) {
      case 1:
        session.ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
        return;
      case 2:
        return this.#identify(session, frame.d as { token?: string; intents?: number });
      case 6:
        // No resumable sessions here: the client identifies again.
        session.ws.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
        return;
      default:
        return;
    }
  }

  #identify(session: Session, d: { token?: string; intents?: number }): void {
    if (d.token !== this.#options.token) {
      session.ws.close(4004, 'Authentication failed.');
      return;
    }
    session.identified = true;
    this.identifies.push(d.intents ?? 0);
    this.#send(session, 'READY', { ...this.#options.ready(), session_id: opaqueToken('session'), resume_gateway_url: this.#options.url() });
    for (const guild of this.#options.guilds()) this.#send(session, 'GUILD_CREATE', guild);
    for (const waiter of [...this.#waiters]) {
      if (this.#identified() >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
