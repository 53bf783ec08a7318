import { GatewayCloseCodes, type ClientOptions } from 'discord.js';
import type { DiscordShards } from '../../config.js';

/**
 * The discord.js client options for the shards this process holds: discord.js's own sharding, one
 * gateway connection per shard. Unset, discord.js connects one shard (or the ones a
 * `ShardingManager` hands it).
 */
export function shardingOptions(shards: DiscordShards | undefined): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (shards === undefined) return {};
  if (shards === 'auto') return { shards: 'auto' };
  return { shards: [...shards.ids], shardCount: shards.count };
}

/** Why Discord closed a shard for good (discord.js does not reconnect it), and what to change. */
export function shardRefusal(code: number, shardId: number): string {
  switch (code as GatewayCloseCodes) {
    case GatewayCloseCodes.InvalidShard:
      return `Discord refused shard ${shardId} (gateway close code 4010, invalid shard): every process needs the same DISCORD_SHARD_COUNT, and DISCORD_SHARD_IDS below it.`;
    case GatewayCloseCodes.ShardingRequired:
      return 'Discord requires this bot to shard (gateway close code 4011, sharding required: too many guilds for one connection): set DISCORD_SHARD_COUNT=auto, or a total split across processes with DISCORD_SHARD_IDS.';
    case GatewayCloseCodes.AuthenticationFailed:
      return `Discord refused the token on shard ${shardId} (gateway close code 4004): reset it in the developer portal (Bot → Reset Token) and set DISCORD_TOKEN.`;
    case GatewayCloseCodes.DisallowedIntents:
    case GatewayCloseCodes.InvalidIntents:
      return `Discord refused the gateway intents on shard ${shardId} (gateway close code ${code}).`;
    default:
      return `Discord closed shard ${shardId} for good (gateway close code ${code}).`;
  }
}
