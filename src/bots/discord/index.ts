export { DiscordAdapter } from './DiscordAdapter.js';
export { buildCommands } from './commands/buildCommands.js';
export { customId, parseCustomId } from './customIds.js';
export { registerCommands } from './registration/registerCommands.js';
