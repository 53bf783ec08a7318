/**
 * discord.js's own sharding, in one process, through the real client against the fake Discord:
 * `auto` holds every shard Discord recommends; a process without shard 0 leaves the commands alone;
 * a shard Discord refuses (4011 Sharding required, 4010 Invalid shard) fails the start clearly; two
 * bots on one file leave each other's jobs alone.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FakeDiscord, shardOf, type Injected } from '../../fakes/discord.js';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { startApp, tempDir, type RunningApp } from './harness.js';

const commandRequests = (fake: FakeDiscord) => fake.requests.filter((r) => r.route.endsWith('/commands'));
const logged = (running: RunningApp, msg: string) =>
  running.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

describe('Discord sharding through the real client', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let running: RunningApp | undefined;
  let n = 0;
  const dbPath = () => `${dir.path}/shards-${(n += 1)}.db`;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await fake.close();
  });
  afterAll(() => dir.remove());

  async function answeredOnce(i: Injected): Promise<void> {
    const ack = await fake.waitForCallback(i);
    expect(ack.status).toBeLessThan(300);
    expect(fake.answers(i)).toBe(1);
  }

  it('auto: holds every shard GET /gateway/bot recommends, and answers the guilds of each', async () => {
    fake = await FakeDiscord.start({ shards: 2, maxConcurrency: 2 });
    const guilds = [fake.addGuild({ shard: 0, of: 2 }), fake.addGuild({ shard: 1, of: 2 })];
    running = await startApp({ fake, dbPath: dbPath(), env: { DISCORD_SHARD_COUNT: 'auto', DISCORD_GUILD_ID: '' } });

    expect([...fake.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    expect(fake.identifies).toEqual([1, 1]);
    expect(logged(running, 'discord bot connected')[0]).toMatchObject({ shards: [0, 1], shardCount: 2, guilds: 3 });
    expect(commandRequests(fake).map((r) => r.method)).toEqual(['GET', 'PUT']);

    const asked = guilds.map((g, shard) => {
      expect(shardOf(g.guildId, 2)).toBe(shard);
      return fake.slashCommand('credits', {}, { channelId: g.channelId, user: fake.user(`user${shard}`) });
    });
    for (const i of asked) await answeredOnce(i);
  });

  it('a process without shard 0 connects its shards only and leaves the commands to the shard-0 process', async () => {
    fake = await FakeDiscord.start({ shards: 2 });
    const [zero, one] = [fake.addGuild({ shard: 0, of: 2 }), fake.addGuild({ shard: 1, of: 2 })];
    running = await startApp({ fake, dbPath: dbPath(), env: { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1' } });

    expect(fake.identifiedShards).toEqual([[1, 2]]);
    expect(commandRequests(fake)).toEqual([]);
    expect(logged(running, 'discord commands not registered by this process')).toEqual([
      expect.objectContaining({ shards: [1], reason: 'the process holding shard 0 registers them' }),
    ]);
    expect(logged(running, 'discord bot connected')[0]).toMatchObject({ shards: [1], shardCount: 2 });

    await answeredOnce(fake.slashCommand('credits', {}, { channelId: one.channelId }));
    // Nobody holds shard 0: Discord would not deliver, and the fake refuses to.
    expect(() => fake.slashCommand('credits', {}, { channelId: zero.channelId })).toThrow(/no gateway session holds the shard/);
  });

  it('a bot Discord requires to shard fails to start without a shard count (4011), and starts with one', async () => {
    fake = await FakeDiscord.start({ shards: 2, maxConcurrency: 2, requireSharding: true });
    const failed = startApp({ fake, dbPath: dbPath() });
    await expect(failed).rejects.toThrow(/4011, sharding required.*DISCORD_SHARD_COUNT=auto/);
    expect(fake.gatewayCloses).toEqual([4011]);

    running = await startApp({ fake, dbPath: dbPath(), env: { DISCORD_SHARD_COUNT: '2' } });
    expect([...fake.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    await answeredOnce(fake.slashCommand('credits'));
  });

  it('a shard Discord calls invalid (4010) fails the start, naming the shard', async () => {
    fake = await FakeDiscord.start({ shards: 2 });
    // The parser refuses ids past the count; this is what Discord answers if one got through.
    const failed = startApp({
      fake,
      dbPath: dbPath(),
      configure: (config) => ({ ...config, discord: { ...config.discord!, shards: { count: 2, ids: [2] }, registerCommands: false } }),
    });
    await expect(failed).rejects.toThrow(/shard 2 \(gateway close code 4010, invalid shard\)/);
    expect(fake.gatewayCloses).toEqual([4010]);
    expect(fake.identifiedShards).toEqual([]);
  });

  it('two bot processes on one file: the minute sweep of one leaves the job the other is running alone', async () => {
    fake = await FakeDiscord.start({ shards: 2 });
    const one = fake.addGuild({ shard: 1, of: 2 });
    const file = dbPath();
    const provider = new GatedProvider();
    // Only the sweep's interval is faked, so the test can let a minute pass; sockets and the rest run for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let other: RunningApp | undefined;
    try {
      other = await startApp({ fake, dbPath: file, env: { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0', DISCORD_GUILD_ID: '' } });
      running = await startApp({ fake, dbPath: file, provider, env: { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1', DISCORD_GUILD_ID: '' } });
      const alice = fake.user('alice');
      const i = fake.slashCommand('imagine', { prompt: 'a lighthouse' }, { channelId: one.channelId, user: alice });
      await provider.waitForCalls(1);
      vi.advanceTimersByTime(60_000);
      provider.release();
      await fake.waitForRequest((r) => r.method === 'PATCH' && r.route.endsWith(`${i.token}/messages/@original`) && r.files.length > 0, 'the result');
      await running.app.core.generation.settled();
      expect(await running.app.core.jobs.history({ accountKey: `discord:${alice.id}` })).toEqual([expect.objectContaining({ status: 'succeeded', captured: 1 })]);
      expect(logged(other, 'job interrupted by restart')).toEqual([]);
    } finally {
      vi.useRealTimers();
      await other?.stop();
    }
  });
});
