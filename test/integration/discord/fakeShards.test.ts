/**
 * The fake Discord's sharding, driven by a bare WebSocket client so that every frame is ours: the
 * checks on IDENTIFY's `shard`, the guilds each session is told of, where dispatches go, the
 * `GET /gateway/bot` recommendation and the refusal of a second interaction callback.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FAKE_DISCORD_TOKEN, FakeDiscord, shardOf, type FakeDiscordOptions } from '../../fakes/discord.js';

interface Frame {
  op: number;
  t: string | null;
  d: Record<string, unknown>;
}

/** A gateway session: HELLO, then IDENTIFY with `shard` (left out when undefined). */
class Session {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  constructor(url: string, shard: unknown) {
    this.#ws = new WebSocket(`${url}?v=10&encoding=json`);
    this.closed = once(this.#ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
    this.#ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as Frame;
      this.frames.push(frame);
      for (const w of this.#waiters.filter((w) => w.match(frame))) w.resolve(frame);
      this.#waiters = this.#waiters.filter((w) => !w.match(frame));
      if (frame.op === 10) {
        this.#ws.send(JSON.stringify({ op: 2, d: { token: FAKE_DISCORD_TOKEN, intents: 1, properties: {}, ...(shard === undefined ? {} : { shard }) } }));
      }
    });
  }

  /** The first dispatch of type `t` (seen or to come) that matches. */
  dispatch(t: string, where: (d: Record<string, unknown>) => boolean = () => true): Promise<Frame> {
    const match = (f: Frame) => f.op === 0 && f.t === t && where(f.d);
    const seen = this.frames.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  dispatches(t: string): Frame[] {
    return this.frames.filter((f) => f.op === 0 && f.t === t);
  }

  async close(): Promise<void> {
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.close();
    await this.closed;
  }
}

describe('the fake Discord gateway shards as Discord does', () => {
  let fake: FakeDiscord;
  const sessions: Session[] = [];

  async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    fake = await FakeDiscord.start(options);
    return fake;
  }
  function connect(shard: unknown): Session {
    const session = new Session(`${fake.url.replace('http:', 'ws:')}/gateway`, shard);
    sessions.push(session);
    return session;
  }
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await fake.close();
  });

  it('GET /gateway/bot recommends the configured shard count and identify concurrency', async () => {
    await start({ shards: 4, maxConcurrency: 2 });
    const reply = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(await reply.json()).toMatchObject({ shards: 4, session_start_limit: { max_concurrency: 2 } });
    const defaults = await FakeDiscord.start();
    try {
      const plain = await fetch(`${defaults.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${defaults.token}` } });
      expect(await plain.json()).toMatchObject({ shards: 1, session_start_limit: { max_concurrency: 1 } });
    } finally {
      await defaults.close();
    }
  });

  it('closes with 4010 Invalid shard for an id at or past the count, or a malformed pair', async () => {
    await start();
    for (const shard of [[2, 2], [1, 1], [-1, 2], [0, 0], [0], [0, 2, 1], ['0', 2], [0.5, 2], 'shard', null]) {
      const session = connect(shard);
      expect(await session.closed, JSON.stringify(shard)).toEqual({ code: 4010, reason: 'Invalid shard.' });
      expect(session.dispatches('READY')).toEqual([]);
    }
    expect(fake.identifiedShards).toEqual([]);
  });

  it('closes with 4011 Sharding required when told to, for [0, 1] and for no shard at all', async () => {
    await start({ requireSharding: true, shards: 2 });
    for (const shard of [[0, 1], undefined]) {
      const session = connect(shard);
      expect(await session.closed).toEqual({ code: 4011, reason: 'Sharding required.' });
    }
    const sharded = connect([1, 2]);
    await sharded.dispatch('READY');
    expect(fake.gatewayCloses).toEqual([4011, 4011]);
    expect(fake.identifiedShards).toEqual([[1, 2]]);
  });

  it('a session without a shard counts as [0, 1] when sharding is not required', async () => {
    await start();
    const session = connect(undefined);
    const ready = await session.dispatch('READY');
    expect(ready.d.shard).toEqual([0, 1]);
    expect(ready.d.guilds).toEqual([{ id: fake.guildId, unavailable: true }]);
  });

  it('tells each shard of its own guilds, and sends a guild’s interactions to its shard only; DMs go to shard 0', async () => {
    await start({ shards: 2 });
    const onZero = fake.addGuild({ shard: 0, of: 2 });
    const onOne = fake.addGuild({ shard: 1, of: 2 });
    expect([shardOf(onZero.guildId, 2), shardOf(onOne.guildId, 2)]).toEqual([0, 1]);
    const zero = connect([0, 2]);
    const one = connect([1, 2]);
    const [readyZero, readyOne] = await Promise.all([zero.dispatch('READY'), one.dispatch('READY')]);
    const all = [fake.guildId, onZero.guildId, onOne.guildId];
    const ids = (frame: Frame) => (frame.d.guilds as { id: string }[]).map((g) => g.id).sort();
    expect(ids(readyZero)).toEqual(all.filter((g) => shardOf(g, 2) === 0).sort());
    expect(ids(readyOne)).toEqual(all.filter((g) => shardOf(g, 2) === 1).sort());
    expect([readyZero.d.shard, readyOne.d.shard]).toEqual([[0, 2], [1, 2]]);
    await Promise.all([zero.dispatch('GUILD_CREATE', (d) => d.id === onZero.guildId), one.dispatch('GUILD_CREATE', (d) => d.id === onOne.guildId)]);
    expect(zero.dispatches('GUILD_CREATE').map((f) => f.d.id)).not.toContain(onOne.guildId);

    const forOne = fake.slashCommand('credits', {}, { channelId: onOne.channelId });
    const forZero = fake.slashCommand('credits', {}, { channelId: onZero.channelId });
    await one.dispatch('INTERACTION_CREATE', (d) => d.id === forOne.id);
    await zero.dispatch('INTERACTION_CREATE', (d) => d.id === forZero.id);
    expect(forOne.payload.guild_id).toBe(onOne.guildId);
    const interactionsOf = (s: Session) => s.dispatches('INTERACTION_CREATE').map((f) => f.d.id);
    expect(interactionsOf(zero)).toEqual([forZero.id]);
    expect(interactionsOf(one)).toEqual([forOne.id]);

    const dm = { ...forZero.payload, id: 'dm-1', guild_id: undefined, guild: undefined, member: undefined };
    fake.dispatch(JSON.parse(JSON.stringify(dm)) as Record<string, unknown>);
    await zero.dispatch('INTERACTION_CREATE', (d) => d.id === 'dm-1');
    expect(interactionsOf(one)).toEqual([forOne.id]);

    // A guild the bot joins later: its GUILD_CREATE goes to its shard's session.
    const joined = fake.addGuild({ shard: 1, of: 2 });
    await one.dispatch('GUILD_CREATE', (d) => d.id === joined.guildId);
    expect(zero.dispatches('GUILD_CREATE').map((f) => f.d.id)).not.toContain(joined.guildId);
  });

  it('refuses to dispatch an interaction no session’s shard carries', async () => {
    await start({ shards: 2 });
    const onOne = fake.addGuild({ shard: 1, of: 2 });
    await connect([0, 2]).dispatch('READY');
    expect(() => fake.slashCommand('credits', {}, { channelId: onOne.channelId })).toThrow(/no gateway session holds the shard of guild \d+ \(shard 1 of 2\)/);
  });

  it('an interaction answered twice: the second callback is refused, 400 / 40060, and both are counted', async () => {
    await start();
    await connect([0, 1]).dispatch('READY');
    const i = fake.slashCommand('credits');
    const answer = () =>
      fetch(`${fake.apiUrl}/v10/interactions/${i.id}/${i.token}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 5, data: { flags: 64 } }),
      });
    expect(fake.answers(i)).toBe(0);
    expect((await answer()).status).toBe(204);
    const second = await answer();
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ message: 'Interaction has already been acknowledged.', code: 40060 });
    expect(fake.answers(i)).toBe(2);
    expect(fake.callbackType(i)).toBe(5);
  });
});
