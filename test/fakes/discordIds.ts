/** Discord's epoch (2015-01-01), from which snowflake timestamps count. */
const DISCORD_EPOCH = 1_420_070_400_000n;
let last = 0n;

/**
 * A fresh snowflake: a real timestamp in the top bits (discord.js reads `createdTimestamp` from it)
 * and always 18–19 digits, so @discordjs/rest's route parser (`\d{17,19}`) sees it as an id.
 */
export function snowflake(): string {
  const now = ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | 1n;
  last = now > last ? now : last + 1n;
  return last.toString();
}

/** A token-like random string (interaction tokens are long opaque strings). */
export function opaqueToken(prefix: string): string {
  return `${prefix}.${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
}

/**
 * The shard that carries a guild's events: `(guild_id >> 22) % shard_count`; direct messages (no
 * guild) go to shard 0.
 */
export function shardOf(guildId: string | undefined, shardCount: number): number {
  return guildId === undefined ? 0 : Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A fresh snowflake whose guild would be carried by `shard` of `shardCount` shards. */
export function snowflakeOnShard(shard: number, shardCount: number): string {
  let id = snowflake();
  while (shardOf(id, shardCount) !== shard) {
    // Step the timestamp by a millisecond until the shard matches; the low bits keep it unique.
    id = (BigInt(id) + (1n << 22n)).toString();
  }
  last = BigInt(id) > last ? BigInt(id) : last;
  return id;
}
