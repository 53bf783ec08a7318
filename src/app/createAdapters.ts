import type { Logger } from 'pino';
import type { ChatAdapter } from '../bots/ChatAdapter.js';
import { DiscordAdapter } from '../bots/discord/index.js';
import { SlackAdapter } from '../bots/slack/index.js';
import type { Config } from '../config.js';
import type { Facade } from '../core/facade/Facade.js';

/** The real adapters for a configuration: one per configured platform, each given the facade. */
export function createAdapters(config: Config, facade: Facade, logger: Logger): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (config.discord) adapters.push(new DiscordAdapter({ config: config.discord, core: facade, logger }));
  if (config.slack) adapters.push(new SlackAdapter({ config: config.slack, core: facade, logger }));
  return adapters;
}
