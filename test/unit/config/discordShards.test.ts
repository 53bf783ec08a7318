import { describe, expect, it } from 'vitest';
import { holdsShardZero, parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/core/errors.js';

const DISCORD = { DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: '123456789012345678' };

const discord = (env: Record<string, string>) => parseConfig({ ...DISCORD, ...env }).discord!;

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...DISCORD, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS', () => {
  it('unset: one process, discord.js’s default, and it registers the commands', () => {
    const c = discord({ DISCORD_SHARD_COUNT: ' ', DISCORD_SHARD_IDS: '' });
    expect(c.shards).toBeUndefined();
    expect(c.registerCommands).toBe(true);
  });

  it('auto alone: every shard Discord recommends, in this process', () => {
    for (const value of ['auto', ' AUTO ', 'Auto']) expect(discord({ DISCORD_SHARD_COUNT: value }).shards).toBe('auto');
    const c = discord({ DISCORD_SHARD_COUNT: 'auto' });
    expect(c.registerCommands).toBe(true);
  });

  it('a count alone: every shard of that count, in this process', () => {
    const c = discord({ DISCORD_SHARD_COUNT: '3' });
    expect(c.shards).toEqual({ count: 3, ids: [0, 1, 2] });
    expect(c.registerCommands).toBe(true);
  });

  it('ids and ranges, in any order, become ascending ids of the count', () => {
    expect(discord({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '0,2' }).shards).toEqual({ count: 8, ids: [0, 2] });
    expect(discord({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '0-3' }).shards).toEqual({ count: 8, ids: [0, 1, 2, 3] });
    expect(discord({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: ' 7, 4 - 5 ,1,' }).shards).toEqual({ count: 8, ids: [1, 4, 5, 7] });
    expect(discord({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '6-6' }).shards).toEqual({ count: 8, ids: [6] });
    const c = discord({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '2' });
    expect(Object.isFrozen(c.shards)).toBe(true);
  });

  it('the process holding shard 0 registers the commands; the others do not, unless told', () => {
    expect(discord({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '0,3' }).registerCommands).toBe(true);
    expect(discord({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '1-3' }).registerCommands).toBe(false);
    expect(discord({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '1', DISCORD_REGISTER_COMMANDS: 'yes' }).registerCommands).toBe(true);
    expect(discord({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '0', DISCORD_REGISTER_COMMANDS: '0' }).registerCommands).toBe(false);
    expect(discord({ DISCORD_REGISTER_COMMANDS: 'false' }).registerCommands).toBe(false);
    expect(holdsShardZero(undefined)).toBe(true);
    expect(holdsShardZero('auto')).toBe(true);
    expect(holdsShardZero({ count: 2, ids: [1] })).toBe(false);
  });

  it('refuses a count that is not auto or a positive whole number', () => {
    for (const value of ['0', '-1', '1.5', '2e3', 'two', '100001', 'auto,2']) {
      expect(problems({ DISCORD_SHARD_COUNT: value }), value).toEqual([
        'DISCORD_SHARD_COUNT must be auto or the total number of shards, a whole number from 1 to 100000.',
      ]);
    }
  });

  it('refuses ids that are not ids or ranges, ranges backwards, and an empty list', () => {
    for (const value of ['a', '-1', '1.0', '0-', '1-2-3', '0x1', '100000']) {
      expect(problems({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: value }), value).toEqual([
        `DISCORD_SHARD_IDS must be shard ids and ranges like 0,2 or 0-3 (each below 100000); not "${value}".`,
      ]);
    }
    expect(problems({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3-1' })).toEqual(['DISCORD_SHARD_IDS has the range "3-1" backwards: write 1-3.']);
    expect(problems({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: ',' })).toEqual([
      'DISCORD_SHARD_IDS lists no shard: give the ids this process holds, like 0,2 or 0-3, or leave it unset.',
    ]);
  });

  it('refuses a shard listed twice, also through overlapping ranges', () => {
    expect(problems({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '1,1' })).toEqual([
      'DISCORD_SHARD_IDS lists shard 1 more than once: each shard belongs to one process.',
    ]);
    expect(problems({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '0-3,2-5' })).toEqual([
      'DISCORD_SHARD_IDS lists shards 2, 3 more than once: each shard belongs to one process.',
    ]);
  });

  it('refuses ids at or past the count', () => {
    expect(problems({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '2' })).toEqual([
      'DISCORD_SHARD_IDS lists shard 2, but DISCORD_SHARD_COUNT=2 numbers the shards 0–1.',
    ]);
    expect(problems({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '1,3-6' })).toEqual([
      'DISCORD_SHARD_IDS lists shards 4, 5, 6, but DISCORD_SHARD_COUNT=4 numbers the shards 0–3.',
    ]);
  });

  it('ids need a numeric count: none, or auto, is refused', () => {
    expect(problems({ DISCORD_SHARD_IDS: '0' })).toEqual([
      'DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT: set it to the total number of shards across all processes of the bot, the same on each.',
    ]);
    expect(problems({ DISCORD_SHARD_COUNT: 'auto', DISCORD_SHARD_IDS: '0' })).toEqual([
      'DISCORD_SHARD_IDS needs a number in DISCORD_SHARD_COUNT, not auto: every process must use the same total, and Discord’s recommendation can change between starts.',
    ]);
  });

  it('reports a shard problem along with every other problem', () => {
    expect(problems({ DISCORD_SHARD_COUNT: '0', DISCORD_SHARD_IDS: 'x', DISCORD_REGISTER_COMMANDS: 'maybe', QUEUE_LIMIT: 'lots' })).toEqual([
      'DISCORD_SHARD_COUNT must be auto or the total number of shards, a whole number from 1 to 100000.',
      'DISCORD_SHARD_IDS must be shard ids and ranges like 0,2 or 0-3 (each below 100000); not "x".',
      'DISCORD_REGISTER_COMMANDS must be 1 or 0 (or true/false, yes/no).',
      'QUEUE_LIMIT must be a whole number.',
    ]);
  });
});
