import type { Logger } from 'pino';
import type { Facade } from '../../core/facade/Facade.js';
import type { Presenters } from './jobs/Presenters.js';
import type { PendingForms } from './PendingForms.js';

/** The core as the Discord adapter sees it: the application facade. */
export type DiscordCore = Facade;

/** What every interaction handler receives. */
export interface DiscordContext {
  readonly core: DiscordCore;
  readonly adminIds: ReadonlySet<string>;
  /** Origins references may be downloaded from (see `attachmentOrigins`). */
  readonly attachmentOrigins: ReadonlySet<string>;
  readonly forms: PendingForms;
  readonly presenters: Presenters;
  /** A child logger for this interaction (id, user, platform). */
  readonly logger: Logger;
}
