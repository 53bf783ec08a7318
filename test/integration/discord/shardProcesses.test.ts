/**
 * Two real bot processes (`node dist/main.js`) on one SQLite file, each holding one shard of a
 * two-shard fake Discord: every interaction reaches one process and is answered once, every job is
 * delivered and charged once, and only the process holding shard 0 registers the commands.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, shardOf, type Injected } from '../../fakes/discord.js';
import { BotProcess, buildDist } from '../../support/botProcess.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/nano-imagine.js', import.meta.url));

describe('two bot processes, one shard each, one database', () => {
  let fake: FakeDiscord;
  let dir: string;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    buildDist();
    fake = await FakeDiscord.start({ shards: 2 });
    dir = mkdtempSync(join(tmpdir(), 'ni-shards-'));
  }, 120_000);
  afterAll(async () => {
    for (const bot of bots) await bot.dispose();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (ids: string): Record<string, string> => ({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_SHARD_COUNT: '2',
    DISCORD_SHARD_IDS: ids,
    PROVIDER: 'offline',
    DATABASE_PATH: join(dir, 'shared.db'),
    STARTING_CREDITS: '50',
    SHUTDOWN_GRACE_SECONDS: '5',
  });
  const nanoImagine = async (...args: string[]) =>
    (await run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', DATABASE_PATH: join(dir, 'shared.db'), LOG_LEVEL: 'silent' } })).stdout;

  it('answers each interaction once, from the process holding its guild’s shard, and registers commands once', async () => {
    const guilds = [fake.addGuild({ shard: 0, of: 2 }), fake.addGuild({ shard: 1, of: 2 })];
    expect(guilds.map((g) => shardOf(g.guildId, 2))).toEqual([0, 1]);

    // One after the other: the first creates the database (its migrations) before the second opens it.
    const zero = new BotProcess(env('0'));
    bots.push(zero);
    await zero.waitForLog('nano-imagine started');
    const one = new BotProcess(env('1'));
    bots.push(one);
    await one.waitForLog('nano-imagine started');
    await fake.waitForSessions(2);
    expect([...fake.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    expect((await zero.waitForLog('discord bot connected')).shards).toEqual([0]);
    expect((await one.waitForLog('discord bot connected')).shards).toEqual([1]);

    // Commands: registered by the shard-0 process alone; the other says it left them.
    const commandCalls = fake.requests.filter((r) => r.route === `/applications/${fake.applicationId}/commands`);
    expect(commandCalls.map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(zero.lines.some((l) => l.msg === 'registered discord commands')).toBe(true);
    expect(await one.waitForLog('discord commands not registered by this process')).toMatchObject({ shards: [1], reason: 'the process holding shard 0 registers them' });
    expect(one.lines.some((l) => l.msg === 'registered discord commands' || l.msg === 'discord commands already up to date')).toBe(false);

    // Two people per guild ask for an image; one per guild looks at their credits.
    const people = guilds.map((_, shard) => [fake.user(`painter${shard}a`), fake.user(`painter${shard}b`)]);
    const imagines: { i: Injected; shard: number; user: string }[] = [];
    const credits: Injected[] = [];
    for (const [shard, guild] of guilds.entries()) {
      for (const user of people[shard]!) {
        imagines.push({ i: fake.slashCommand('imagine', { prompt: `a lighthouse, shard ${shard}` }, { channelId: guild.channelId, user }), shard, user: user.id });
      }
      credits.push(fake.slashCommand('credits', {}, { channelId: guild.channelId, user: people[shard]![0]! }));
    }

    for (const { i } of imagines) {
      await fake.waitForRequest((r) => r.method === 'PATCH' && r.route.endsWith(`${i.token}/messages/@original`) && r.files.length > 0, `the result of ${i.id}`);
    }
    for (const i of credits) await fake.waitForCallback(i);
    const bot = [zero, one];
    for (const { shard, user } of imagines) {
      await bot[shard]!.waitForLog('job finished', (l) => l.account === `discord:${user}`);
    }

    // Every interaction answered exactly once, none refused as already acknowledged.
    for (const i of [...imagines.map((x) => x.i), ...credits]) expect(fake.answers(i), `answers to ${i.id}`).toBe(1);
    expect(fake.requests.filter((r) => r.route.endsWith('/callback') && r.status >= 400)).toEqual([]);
    // Every job delivered once: one upload per interaction, and each to its own channel.
    for (const { i, shard } of imagines) {
      const uploads = fake.requestsFor(i).filter((r) => r.files.length > 0);
      expect(uploads, `uploads for ${i.id}`).toHaveLength(1);
      expect(fake.original(i)?.channel_id).toBe(guilds[shard]!.channelId);
    }
    // Each process served only its own shard's people.
    for (const [shard, process] of bot.entries()) {
      const served = new Set(process.lines.filter((l) => l.msg === 'job queued').map((l) => l.account));
      expect([...served].sort()).toEqual(people[shard]!.map((u) => `discord:${u.id}`).sort());
    }

    for (const process of bot) process.kill('SIGTERM');
    expect(await Promise.all(bot.map((b) => b.exited))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    // The shared ledger: four jobs, each succeeded and charged once (offline: 1 credit an image).
    const jobs = JSON.parse(await nanoImagine('jobs', 'list', '--json')) as { account: string; status: string; cost: number }[];
    expect(jobs).toHaveLength(4);
    expect(jobs.map((j) => [j.status, j.cost])).toEqual(Array.from({ length: 4 }, () => ['succeeded', 1]));
    expect(jobs.map((j) => j.account).sort()).toEqual(people.flat().map((u) => `discord:${u.id}`).sort());
    const check = JSON.parse(await nanoImagine('db', 'check', '--json')) as { ok: boolean };
    expect(check.ok).toBe(true);
    for (const user of people.flat()) {
      const account = JSON.parse(await nanoImagine('credits', 'show', `discord:${user.id}`, '--json')) as { balance: number; held: number };
      expect(account).toEqual({ account: `discord:${user.id}`, balance: 49, held: 0 });
    }
  }, 60_000);
});
