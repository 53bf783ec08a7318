import type { Logger } from 'pino';
import type { Catalog } from '../../core/catalog/types.js';
import type { CreditService } from '../../core/credits/CreditService.js';
import type { GenerationService } from '../../core/generation/GenerationService.js';
import type { Presenters } from './jobs/Presenters.js';
import type { PendingForms } from './PendingForms.js';

/** The core use-cases the Discord adapter calls. */
export interface DiscordCore {
  readonly generation: GenerationService;
  readonly credits: CreditService;
  readonly catalog: Catalog;
}

/** What every interaction handler receives. */
export interface DiscordContext {
  readonly core: DiscordCore;
  readonly adminIds: ReadonlySet<string>;
  readonly forms: PendingForms;
  readonly presenters: Presenters;
  /** A child logger for this interaction (id, user, platform). */
  readonly logger: Logger;
}
