import type { Logger } from 'pino';
import { DiscordAdapter } from '../bots/discord/index.js';
import { createSlackAdapter } from '../bots/slack/index.js';
import type { Config } from '../config.js';
import type { ChatAdapter } from '../bots/ChatAdapter.js';
import type { Core } from './createCore.js';

/** The real adapters for a configuration: one per configured platform. */
export function createAdapters(config: Config, core: Core, logger: Logger): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (config.discord) adapters.push(new DiscordAdapter({ config: config.discord, core, logger }));
  if (config.slack) adapters.push(createSlackAdapter(config.slack, core, logger));
  return adapters;
}
