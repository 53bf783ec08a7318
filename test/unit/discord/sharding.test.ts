import { describe, expect, it } from 'vitest';
import { shardingOptions, shardRefusal } from '../../../src/bots/discord/sharding.js';
import { parseConfig } from '../../../src/config.js';

const shards = (env: Record<string, string>) => parseConfig({ DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: '123456789012345678', ...env }).discord!.shards;

describe('the discord.js client options for the shards of this process', () => {
  it('no sharding variables: nothing, so discord.js keeps its default', () => {
    expect(shardingOptions(shards({}))).toEqual({});
  });

  it('auto: the client asks Discord (GET /gateway/bot) how many shards to run', () => {
    expect(shardingOptions(shards({ DISCORD_SHARD_COUNT: 'auto' }))).toEqual({ shards: 'auto' });
  });

  it('a count, with or without ids: the ids this process holds and the total', () => {
    expect(shardingOptions(shards({ DISCORD_SHARD_COUNT: '3' }))).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(shardingOptions(shards({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3,1' }))).toEqual({ shards: [1, 3], shardCount: 4 });
  });

  it('says what to change when Discord closes a shard for good', () => {
    expect(shardRefusal(4010, 2)).toMatch(/shard 2 .*4010.*DISCORD_SHARD_COUNT/);
    expect(shardRefusal(4011, 0)).toMatch(/4011, sharding required.*DISCORD_SHARD_COUNT=auto/);
    expect(shardRefusal(4004, 0)).toMatch(/4004.*DISCORD_TOKEN/);
    expect(shardRefusal(4999, 1)).toBe('Discord closed shard 1 for good (gateway close code 4999).');
  });
});
