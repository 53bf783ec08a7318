import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { MAX_CREDITS } from '../../../core/credits/validation.js';
import { ADMIN_SUBCOMMAND, COMMAND, OPTION } from './names.js';

export const creditsCommand = {
  type: ApplicationCommandType.ChatInput,
  name: COMMAND.credits,
  description: 'Your credit balance and recent spending',
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const historyCommand = {
  type: ApplicationCommandType.ChatInput,
  name: COMMAND.history,
  description: 'Your recent images',
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const userOption = { type: ApplicationCommandOptionType.User, name: OPTION.user, description: 'Whose credits', required: true } as const;
const reasonOption = { type: ApplicationCommandOptionType.String, name: OPTION.reason, description: 'Why (kept in the ledger)', max_length: 200 } as const;
const amount = (min: number) =>
  ({ type: ApplicationCommandOptionType.Integer, name: OPTION.amount, description: 'Credits', required: true, min_value: min, max_value: MAX_CREDITS }) as const;

/** `/admin grant|set|balance` — the handler refuses everyone outside `DISCORD_ADMIN_IDS`. */
export const adminCommand = {
  type: ApplicationCommandType.ChatInput,
  name: COMMAND.admin,
  description: 'Manage credits (bot admins only)',
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: ADMIN_SUBCOMMAND.grant, description: 'Add credits to a user', options: [userOption, amount(1), reasonOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: ADMIN_SUBCOMMAND.set, description: 'Set a user’s balance', options: [userOption, amount(0), reasonOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: ADMIN_SUBCOMMAND.balance, description: 'Show a user’s balance', options: [userOption] },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
