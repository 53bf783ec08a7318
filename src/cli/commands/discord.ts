import { REST } from 'discord.js';
import type { CliCore } from '../CliCore.js';
import { buildCommands, registerCommands } from '../../bots/discord/index.js';
import { redactTokens } from '../../bots/discord/logSafe.js';
import { makeRequest } from '../../bots/discord/restRequest.js';
import { AppError, ConfigError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage.js';

/**
 * `discord register`: makes the registered slash and message commands match the code (to
 * `DISCORD_GUILD_ID`, or globally) without starting the bot. Nothing is sent when they already match.
 */
export async function discordCommand(core: CliCore, argv: readonly string[], io: CliIO): Promise<number> {
  const [verb, ...extra] = argv;
  if (verb !== 'register') throw new UsageError(`discord takes register, got ${JSON.stringify(verb ?? '')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const discord = core.config.discord;
  if (!discord) {
    throw new ConfigError(['discord register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (Discord developer portal: Bot → Reset Token; General Information → Application ID).']);
  }
  const rest = new REST({ api: discord.apiUrl, makeRequest }).setToken(discord.token);
  try {
    const outcome = await registerCommands(rest, discord, buildCommands(core.facade.catalog));
    io.out(
      outcome.changed
        ? `registered ${outcome.count} commands (${outcome.scope})`
        : `the ${outcome.count} commands are already registered (${outcome.scope}); nothing changed`,
    );
    return 0;
  } catch (error) {
    const detail = error instanceof Error ? redactTokens(error.message) : String(error);
    throw new AppError('discord_register_failed', `Discord refused the command registration: ${detail}`, { cause: error });
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
