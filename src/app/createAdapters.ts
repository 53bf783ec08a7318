import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ChatAdapter } from './ChatAdapter.js';
import type { Core } from './createCore.js';

/** The real adapters for a configuration: one per configured platform. */
export function createAdapters(config: Config, core: Core, logger: Logger): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  // Each platform adds itself here when configured (config.discord, config.slack).
  void config;
  void core;
  void logger;
  return adapters;
}
