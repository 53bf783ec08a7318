import { Routes, type REST, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { sameCommands } from './sameCommands.js';

export interface RegistrationTarget {
  readonly applicationId: string;
  /** Register to this guild (instant) instead of globally. */
  readonly guildId: string | undefined;
}

export type RegistrationOutcome = { readonly changed: boolean; readonly count: number; readonly scope: string };

/**
 * Makes Discord's registered commands match the code's: reads them, and overwrites them in one bulk
 * PUT only when they differ, so a restart costs one GET and no command churn.
 */
export async function registerCommands(
  rest: REST,
  target: RegistrationTarget,
  commands: readonly RESTPostAPIApplicationCommandsJSONBody[],
): Promise<RegistrationOutcome> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  const scope = target.guildId ? `guild ${target.guildId}` : 'global';
  const registered = (await rest.get(route)) as unknown[];
  if (Array.isArray(registered) && sameCommands(commands, registered)) return { changed: false, count: commands.length, scope };
  await rest.put(route, { body: commands });
  return { changed: true, count: commands.length, scope };
}
