import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';

type Loose = Record<string, unknown>;

/** Option fields that change what users see or send; Discord's own additions are ignored. */
const OPTION_FIELDS = ['type', 'name', 'description', 'required', 'choices', 'min_value', 'max_value', 'min_length', 'max_length', 'autocomplete', 'channel_types', 'options'] as const;
const FALSE_BY_DEFAULT = new Set(['required', 'autocomplete']);

function canonicalOption(option: Loose): Loose {
  const out: Loose = {};
  for (const field of OPTION_FIELDS) {
    const value = option[field];
    if (field === 'options' && Array.isArray(value)) {
      if (value.length > 0) out.options = (value as Loose[]).map(canonicalOption);
    } else if (field === 'choices' && Array.isArray(value)) {
      if (value.length > 0) out.choices = (value as Loose[]).map((c) => ({ name: c.name, value: c.value }));
    } else if (FALSE_BY_DEFAULT.has(field)) {
      if (value === true) out[field] = true;
    } else if (value !== undefined && value !== null) {
      out[field] = value;
    }
  }
  return out;
}

/**
 * The parts of a command the code decides. `contexts` and `integration_types` count only when the
 * code sets them, because Discord fills in its own defaults for commands that leave them out.
 */
function canonicalCommand(command: Loose, local: Loose | undefined): Loose {
  const options = Array.isArray(command.options) ? (command.options as Loose[]).map(canonicalOption) : [];
  return {
    type: command.type ?? 1,
    name: command.name,
    description: command.description ?? '',
    options,
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    ...(local?.contexts !== undefined ? { contexts: command.contexts ?? null } : {}),
    ...(local?.integration_types !== undefined ? { integration_types: command.integration_types ?? null } : {}),
  };
}

const key = (c: Loose): string => JSON.stringify([c.type ?? 1, c.name]);

/** Whether the commands Discord has registered are exactly the ones the code declares. */
export function sameCommands(local: readonly RESTPostAPIApplicationCommandsJSONBody[], remote: readonly unknown[]): boolean {
  if (local.length !== remote.length) return false;
  const byKey = new Map((remote as Loose[]).map((c) => [key(c), c]));
  return (local as unknown as readonly Loose[]).every((command) => {
    const registered = byKey.get(key(command));
    return registered !== undefined && JSON.stringify(canonicalCommand(registered, command)) === JSON.stringify(canonicalCommand(command, command))
  });
}
