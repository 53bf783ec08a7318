/**
 * The fake Slack's Socket Mode, driven by plain WebSocket clients: the behaviour the replica tests
 * rely on (several connections per app, envelopes in turn, redelivery after a missed ack,
 * duplicates) and the rules it keeps as strictly as Slack does.
 */
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';

interface Envelope {
  readonly type: string;
  readonly envelope_id?: string;
  readonly retry_attempt?: number;
  readonly retry_reason?: string;
  readonly reason?: string;
}

/** A Socket Mode client with nothing but a WebSocket: every message it got, in order. */
class RawClient {
  readonly messages: Envelope[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as Envelope);
      for (const w of this.#waiters.filter((x) => this.messages.length >= x.count)) w.resolve();
      this.#waiters = this.#waiters.filter((x) => this.messages.length < x.count);
    });
  }

  /** Resolves once `count` messages (hello included) have arrived. */
  received(count: number): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  envelopes(): Envelope[] {
    return this.messages.filter((m) => m.envelope_id !== undefined);
  }

  ack(envelopeId: string, payload: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ envelope_id: envelopeId, payload }));
  }
}

describe('the fake Slack Socket Mode', () => {
  let fake: FakeSlack;
  const clients: RawClient[] = [];

  async function openUrl(): Promise<string> {
    const response = await fetch(`${fake.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${fake.tokens.app}` } });
    const body = (await response.json()) as { ok: boolean; url: string };
    expect(body.ok).toBe(true);
    return body.url;
  }

  async function connect(url?: string): Promise<RawClient> {
    const client = new RawClient(new WebSocket(url ?? (await openUrl())));
    clients.push(client);
    await client.received(1);
    return client;
  }

  beforeEach(async () => {
    fake = await startFakeSlack({ ackTimeoutMs: 200 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await fake.close();
  });

  it('gives every apps.connections.open a new URL, good for one connection', async () => {
    const first = await openUrl();
    const second = await openUrl();
    expect(first).not.toBe(second);
    const a = await connect(first);
    expect(a.messages[0]).toMatchObject({ type: 'hello', num_connections: 1 });
    const b = await connect(second);
    expect(b.messages[0]).toMatchObject({ type: 'hello', num_connections: 2 });
    expect(fake.socket.connections).toHaveLength(2);

    const reused = new WebSocket(first);
    // Aborting a refused handshake reports an error on the client: expected here.
    reused.on('error', () => undefined);
    const [, response] = (await once(reused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    reused.terminate();
  });

  it('spreads envelopes over the open connections in turn', async () => {
    const a = await connect();
    const b = await connect();
    const sent = [1, 2, 3, 4].map((n) => fake.socket.send('slash_commands', { n }));
    await Promise.all([a.received(3), b.received(3)]);
    expect(a.envelopes().map((e) => e.envelope_id)).toEqual([sent[0]!.envelopeId, sent[2]!.envelopeId]);
    expect(b.envelopes().map((e) => e.envelope_id)).toEqual([sent[1]!.envelopeId, sent[3]!.envelopeId]);
    for (const [client, envelope] of [a, b, a, b].map((c, i) => [c, sent[i]!] as const)) client.ack(envelope.envelopeId);
    await Promise.all(sent.map((s) => s.acked));
    expect(fake.socket.acks.every((ack) => ack.accepted)).toBe(true);
  });

  it('redelivers an envelope not acked in time to another connection, counting retry_attempt; a late ack is not accepted', async () => {
    const a = await connect();
    const b = await connect();
    const sent = fake.socket.send('slash_commands', { text: 'hi' }, { to: fake.socket.connections[0]! });
    await a.received(2);
    // An ack must name its envelope: this one does not, so it acknowledges nothing.
    a.ws.send(JSON.stringify({ payload: {} }));
    await b.received(2);
    expect(a.envelopes()[0]).not.toHaveProperty('retry_attempt');
    expect(b.envelopes()[0]).toMatchObject({ envelope_id: sent.envelopeId, retry_attempt: 1, retry_reason: 'timeout' });
    b.ack(sent.envelopeId, { text: 'from b' });
    const ack = await sent.acked;
    expect(ack).toMatchObject({ connection: fake.socket.connections[1], accepted: true, payload: { text: 'from b' } });

    a.ack(sent.envelopeId, { text: 'too late' });
    const late = await fake.socket.waitForAck((x) => x.connection === fake.socket.connections[0]);
    expect(late).toMatchObject({ envelopeId: sent.envelopeId, accepted: false });
    expect(fake.socket.strays).toHaveLength(1);
    expect(fake.socket.deliveries.map((d) => [d.connection, d.retryAttempt])).toEqual([
      [fake.socket.connections[0], 0],
      [fake.socket.connections[1], 1],
    ]);
  });

  it('can send one envelope to two connections at once', async () => {
    const a = await connect();
    const b = await connect();
    const sent = fake.socket.send('interactive', { type: 'view_submission' }, { duplicate: true });
    await Promise.all([a.received(2), b.received(2)]);
    expect(a.envelopes()[0]?.envelope_id).toBe(sent.envelopeId);
    expect(b.envelopes()[0]?.envelope_id).toBe(sent.envelopeId);
    a.ack(sent.envelopeId);
    b.ack(sent.envelopeId);
    await sent.acked;
    await fake.socket.waitForAck((x) => !x.accepted);
    expect(fake.socket.acks.map((x) => x.accepted)).toEqual([true, false]);
  });

  it('gives up after the last retry', async () => {
    await fake.close();
    fake = await startFakeSlack({ ackTimeoutMs: 50, maxRetries: 1 });
    const a = await connect();
    const sent = fake.socket.send('events_api', { event: {} });
    await expect(sent.acked).rejects.toThrow(/never acknowledged \(2 deliveries\)/);
    // With one connection the retry goes to the same one.
    expect(a.envelopes().map((e) => e.retry_attempt)).toEqual([0, 1]);
  });

  it('refuses an eleventh connection of the app', async () => {
    for (let i = 0; i < 10; i += 1) await connect();
    const eleventh = new RawClient(new WebSocket(await openUrl()));
    clients.push(eleventh);
    await eleventh.received(1);
    expect(eleventh.messages[0]).toMatchObject({ type: 'disconnect', reason: 'too_many_websockets' });
    expect(fake.socket.openConnections).toBe(10);
  });
});
