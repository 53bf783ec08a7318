import type { ChatAdapter } from '../../app/ChatAdapter.js';
import { DiscordAdapter, type DiscordAdapterOptions } from './DiscordAdapter.js';

/** The Discord adapter for `createAdapters` (and tests, which pass their own timers). */
export function createDiscordAdapter(options: DiscordAdapterOptions): ChatAdapter {
  return new DiscordAdapter(options);
}
