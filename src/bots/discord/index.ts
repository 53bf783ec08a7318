export { DiscordAdapter, type DiscordAdapterOptions } from './DiscordAdapter.js';
export { buildCommands } from './commands/buildCommands.js';
export { COMMAND, OPTION } from './commands/names.js';
export { customId, parseCustomId } from './customIds.js';
export { registerCommands, type RegistrationOutcome } from './registration/registerCommands.js';
