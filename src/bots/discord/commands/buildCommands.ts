import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { adminCommand, creditsCommand, historyCommand } from './accountCommands.js';
import { editCommand } from './editCommand.js';
import { editImageMessageCommand } from './editImageMessageCommand.js';
import { imagineCommand } from './imagineCommand.js';

/**
 * Every command the bot registers, built from the catalog of the configured provider. Commands that
 * need reference images (`/edit`, **Edit image**) exist only where the provider takes references.
 */
export function buildCommands(catalog: Catalog): RESTPostAPIApplicationCommandsJSONBody[] {
  const editing = catalog.maxReferences > 0 ? [editCommand(catalog), editImageMessageCommand] : [];
  return [imagineCommand(catalog), ...editing, creditsCommand, historyCommand, adminCommand];
}
