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
