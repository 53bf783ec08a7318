/**
 * The fake's Socket Mode endpoint, as Slack runs it for one app: real WebSockets (ws), any number of
 * them open at once up to Slack's 10 per app, each reached through a single-use URL from
 * `apps.connections.open`. Envelopes are spread over the open connections in turn; one that is not
 * acknowledged within the ack timeout is sent again, to another connection when there is one, with
 * `retry_attempt` counting up and `retry_reason: "timeout"`, as Slack does. Every delivery and every
 * ack (with the time it took, performance.now, for the ack-latency benchmark) is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { FAKE_APP } from './state.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** Slack's limit of open Socket Mode connections per app. */
export const MAX_SOCKET_CONNECTIONS = 10;

export interface SocketAck {
  readonly envelopeId: string;
  readonly type: EnvelopeType;
  /** What the app put in its ack (`{}` when it acked with nothing). */
  readonly payload: Record<string, unknown>;
  /** The connection the ack came over. */
  readonly connection: string;
  /** False for an ack of an envelope already acknowledged (a late one, or the second of a duplicate): Slack ignores it. */
  readonly accepted: boolean;
  readonly sentAt: number;
  readonly ackedAt: number;
}

/** One envelope sent over one connection. */
export interface SocketDelivery {
  readonly envelopeId: string;
  readonly type: EnvelopeType;
  readonly connection: string;
  readonly retryAttempt: number;
}

export interface SocketModeOptions {
  /**
   * How long an envelope may go unacknowledged before it is sent again. Slack asks for an ack
   * within 3 seconds. @defaultValue 3000
   */
  readonly ackTimeoutMs?: number;
  /** Redeliveries after the first delivery; then Slack gives up. @defaultValue 3 */
  readonly maxRetries?: number;
  /** Whether `ticket` is one `apps.connections.open` issued and nobody used yet; it is used up. */
  readonly takeTicket: (ticket: string) => boolean;
}

export interface SendOptions {
  /** Marks the first delivery as Slack's redelivery (`retry_attempt`) of an envelope it thinks was lost. */
  readonly retryAttempt?: number;
  /** The connection to use (an id from {@link FakeSocketMode.connections}); default the next in turn. */
  readonly to?: string;
  /** Sends the same envelope over two connections at once, as Slack occasionally does. */
  readonly duplicate?: boolean;
  /** This envelope's ack timeout. @defaultValue the fake's */
  readonly ackTimeoutMs?: number;
}

export interface Sent {
  readonly envelopeId: string;
  /** The first ack Slack accepts, from any delivery; rejects once every attempt went unacknowledged. */
  readonly acked: Promise<SocketAck>;
}

interface Connection {
  readonly id: string;
  readonly ws: WebSocket;
}

interface Pending {
  readonly envelopeId: string;
  readonly type: EnvelopeType;
  readonly payload: unknown;
  readonly sentAt: number;
  readonly ackTimeoutMs: number;
  attempt: number;
  /** The connections of the latest attempt. */
  last: readonly string[];
  timer: NodeJS.Timeout | undefined;
  readonly resolve: (ack: SocketAck) => void;
  readonly reject: (error: Error) => void;
}

export class FakeSocketMode {
  readonly acks: SocketAck[] = [];
  readonly deliveries: SocketDelivery[] = [];
  /** Messages that reached the fake but acknowledge nothing: no `envelope_id`, one never sent, or not JSON. */
  readonly strays: string[] = [];
  /** Connections opened and closed so far (a clean stop closes every one). */
  opened = 0;
  closed = 0;
  readonly #o: Required<Omit<SocketModeOptions, 'takeTicket'>> & Pick<SocketModeOptions, 'takeTicket'>;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #connections: Connection[] = [];
  /** Every envelope ever sent, acked or not, so a late ack is recognised. */
  readonly #envelopes = new Map<string, { type: EnvelopeType; sentAt: number; settled: boolean }>();
  readonly #pending = new Map<string, Pending>();
  readonly #closeWaiters: (() => void)[] = [];
  readonly #connectionWaiters: { count: number; resolve: () => void }[] = [];
  readonly #ackWaiters: { where: (a: SocketAck) => boolean; resolve: (a: SocketAck) => void }[] = [];
  #turn = 0;

  constructor(options: SocketModeOptions) {
    this.#o = { ackTimeoutMs: 3000, maxRetries: 3, ...options };
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(request.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
    if (!this.#o.takeTicket(ticket)) {
      // A URL that apps.connections.open did not issue, or one already used.
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ticket, ws));
  }

  get openConnections(): number {
    return this.#connections.length;
  }

  /** Ids of the open connections, oldest first. */
  get connections(): string[] {
    return this.#connections.map((c) => c.id);
  }

  /** Resolves once no client is connected. */
  allClosed(): Promise<void> {
    if (this.#connections.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Resolves once at least `count` connections are open. */
  waitForConnections(count: number): Promise<void> {
    if (this.#connections.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#connectionWaiters.push({ count, resolve }));
  }

  /** Resolves with the first ack (already received or yet to come) matching `where`. */
  waitForAck(where: (ack: SocketAck) => boolean): Promise<SocketAck> {
    const seen = this.acks.find(where);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#ackWaiters.push({ where, resolve }));
  }

  /** Sends an envelope to the app over the next connection in turn (or as `options` say). */
  send(type: EnvelopeType, payload: unknown, options: SendOptions = {}): Sent {
    const envelopeId = randomUUID();
    let resolve: (ack: SocketAck) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const acked = new Promise<SocketAck>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers that never await it must not turn a give-up into an unhandled rejection.
    acked.catch(() => undefined);
    const sentAt = performance.now();
    this.#envelopes.set(envelopeId, { type, sentAt, settled: false });
    const pending: Pending = {
      envelopeId,
      type,
      payload,
      sentAt,
      ackTimeoutMs: options.ackTimeoutMs ?? this.#o.ackTimeoutMs,
      attempt: options.retryAttempt ?? 0,
      last: [],
      timer: undefined,
      resolve,
      reject,
    };
    this.#pending.set(envelopeId, pending);
    const targets = options.to !== undefined ? [this.#byId(options.to)] : this.#pick(options.duplicate ? 2 : 1, []);
    if (targets.length === 0) {
      this.#pending.delete(envelopeId);
      throw new Error('fake Slack: no Socket Mode client is connected');
    }
    if (options.duplicate && targets.length < 2) throw new Error('fake Slack: a duplicate needs two open Socket Mode connections');
    this.#deliver(pending, targets);
    return { envelopeId, acked };
  }

  async close(): Promise<void> {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`fake Slack: closed before envelope ${pending.envelopeId} was acknowledged`));
    }
    this.#pending.clear();
    for (const { ws } of this.#connections) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #byId(id: string): Connection {
    const connection = this.#connections.find((c) => c.id === id);
    if (!connection) throw new Error(`fake Slack: no open Socket Mode connection ${id}`);
    return connection;
  }

  /** The next `count` open connections in turn, preferring ones not in `avoid`. */
  #pick(count: number, avoid: readonly string[]): Connection[] {
    const open = this.#connections;
    if (open.length === 0) return [];
    const order = Array.from({ length: open.length }, (_, i) => open[(this.#turn + i) % open.length]!);
    const preferred = [...order.filter((c) => !avoid.includes(c.id)), ...order.filter((c) => avoid.includes(c.id))];
    const chosen = preferred.slice(0, Math.min(count, open.length));
    const lastIndex = open.indexOf(chosen.at(-1)!);
    this.#turn = (lastIndex + 1) % open.length;
    return chosen;
  }

  #deliver(pending: Pending, targets: readonly Connection[]): void {
    const { envelopeId, type, attempt } = pending;
    const message = JSON.stringify({
      envelope_id: envelopeId,
      type,
      payload: pending.payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' || attempt > 0 ? { retry_attempt: attempt, retry_reason: attempt > 0 ? 'timeout' : '' } : {}),
    });
    for (const target of targets) {
      this.deliveries.push({ envelopeId, type, connection: target.id, retryAttempt: attempt });
      target.ws.send(message);
    }
    pending.last = targets.map((t) => t.id);
    pending.timer = setTimeout(() => this.#timedOut(pending), pending.ackTimeoutMs);
    pending.timer.unref();
  }

  #timedOut(pending: Pending): void {
    if (!this.#pending.has(pending.envelopeId)) return;
    if (pending.attempt >= this.#o.maxRetries) {
      this.#pending.delete(pending.envelopeId);
      pending.reject(new Error(`fake Slack: envelope ${pending.envelopeId} was never acknowledged (${pending.attempt + 1} deliveries)`));
      return;
    }
    pending.attempt += 1;
    const [target] = this.#pick(1, pending.last);
    if (target) {
      this.#deliver(pending, [target]);
      return;
    }
    // Nobody is connected: this attempt is lost too; try again after another timeout.
    pending.timer = setTimeout(() => this.#timedOut(pending), pending.ackTimeoutMs);
    pending.timer.unref();
  }

  #accept(id: string, ws: WebSocket): void {
    this.opened += 1;
    ws.on('close', () => {
      this.closed += 1;
      const index = this.#connections.findIndex((c) => c.ws === ws);
      if (index < 0) return;
      this.#connections.splice(index, 1);
      if (this.#turn > index) this.#turn -= 1;
      if (this.#connections.length > 0) this.#turn %= this.#connections.length;
      else for (const resolve of this.#closeWaiters.splice(0)) resolve();
    });
    if (this.#connections.length >= MAX_SOCKET_CONNECTIONS) {
      // Slack refuses the eleventh connection of an app this way.
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'fake-slack' } }));
      ws.close();
      return;
    }
    this.#connections.push({ id, ws });
    ws.on('message', (data: Buffer) => this.#onMessage(id, data.toString('utf8')));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#connections.length,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: FAKE_APP },
      }),
    );
    for (const waiter of [...this.#connectionWaiters]) {
      if (this.#connections.length < waiter.count) continue;
      this.#connectionWaiters.splice(this.#connectionWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  #onMessage(connection: string, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.strays.push(text);
      return;
    }
    const envelope = typeof message.envelope_id === 'string' ? this.#envelopes.get(message.envelope_id) : undefined;
    if (typeof message.envelope_id !== 'string' || !envelope) {
      this.strays.push(text);
      return;
    }
    const payload = typeof message.payload === 'object' && message.payload !== null ? (message.payload as Record<string, unknown>) : {};
    const ack: SocketAck = {
      envelopeId: message.envelope_id,
      type: envelope.type,
      payload,
      connection,
      accepted: !envelope.settled,
      sentAt: envelope.sentAt,
      ackedAt: performance.now(),
    };
    envelope.settled = true;
    this.acks.push(ack);
    const pending = this.#pending.get(ack.envelopeId);
    if (pending && ack.accepted) {
      clearTimeout(pending.timer);
      this.#pending.delete(ack.envelopeId);
      pending.resolve(ack);
    }
    for (const waiter of [...this.#ackWaiters]) {
      if (!waiter.where(ack)) continue;
      this.#ackWaiters.splice(this.#ackWaiters.indexOf(waiter), 1);
      waiter.resolve(ack);
    }
  }
}
