/**
 * The fake's Socket Mode endpoint: a real WebSocket (ws) that says `hello`, sends envelopes and
 * records each ack with the time it took (performance.now, for the ack-latency benchmark).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { FAKE_APP } from './state.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  readonly envelopeId: string;
  readonly type: EnvelopeType;
  /** What the app put in its ack (`{}` when it acked with nothing). */
  readonly payload: Record<string, unknown>;
  readonly sentAt: number;
  readonly ackedAt: number;
}

interface Pending {
  readonly type: EnvelopeType;
  readonly sentAt: number;
  readonly resolve: (ack: SocketAck) => void;
}

export class FakeSocketMode {
  readonly acks: SocketAck[] = [];
  /** Connections opened and closed so far (a clean stop closes every one). */
  opened = 0;
  closed = 0;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #clients = new Set<WebSocket>();
  readonly #pending = new Map<string, Pending>();
  readonly #closeWaiters: (() => void)[] = [];

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  get openConnections(): number {
    return this.#clients.size;
  }

  /** Resolves once no client is connected. */
  allClosed(): Promise<void> {
    if (this.#clients.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /**
   * Sends an envelope to the connected app. `retryAttempt` > 0 marks it as Slack's redelivery of an
   * envelope it thinks was not acked.
   */
  send(type: EnvelopeType, payload: unknown, options: { retryAttempt?: number } = {}): { envelopeId: string; acked: Promise<SocketAck> } {
    const ws = [...this.#clients].at(-1);
    if (!ws) throw new Error('fake Slack: no Socket Mode client is connected');
    const envelopeId = randomUUID();
    const retryAttempt = options.retryAttempt ?? 0;
    const acked = new Promise<SocketAck>((resolve) => this.#pending.set(envelopeId, { type, sentAt: performance.now(), resolve }));
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' || retryAttempt > 0 ? { retry_attempt: retryAttempt, retry_reason: retryAttempt > 0 ? 'timeout' : '' } : {}),
      }),
    );
    return { envelopeId, acked };
  }

  async close(): Promise<void> {
    for (const ws of this.#clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.#clients.add(ws);
    this.opened += 1;
    ws.on('message', (data: Buffer) => this.#onMessage(data.toString('utf8')));
    ws.on('close', () => {
      this.#clients.delete(ws);
      this.closed += 1;
      if (this.#clients.size === 0) for (const resolve of this.#closeWaiters.splice(0)) resolve();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#clients.size,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: FAKE_APP },
      }),
    );
  }

  #onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const pending = this.#pending.get(message.envelope_id);
    if (!pending) return;
    this.#pending.delete(message.envelope_id);
    const payload = typeof message.payload === 'object' && message.payload !== null ? (message.payload as Record<string, unknown>) : {};
    const ack: SocketAck = { envelopeId: message.envelope_id, type: pending.type, payload, sentAt: pending.sentAt, ackedAt: performance.now() };
    this.acks.push(ack);
    pending.resolve(ack);
  }
}
