import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Facade } from '../../core/facade/Facade.js';
import type { ChannelAccess } from './ChannelAccess.js';
import type { Inflight } from './Inflight.js';
import type { Notifier } from './Notifier.js';
import type { Once } from './Once.js';
import type { SlackFiles } from './SlackFiles.js';

/** The core as the Slack adapter sees it: the application facade. */
export type SlackCore = Facade;

/** What every Slack handler is given; built once per adapter. */
export interface SlackContext {
  readonly core: SlackCore;
  /** The bot's Web API client (bounded retries, timeout). */
  readonly client: webApi.WebClient;
  /**
   * For calls made before an ack (views.open, conversations.info, files.info): no retries and a
   * timeout short enough to answer within Slack's 3-second window.
   */
  readonly quickClient: webApi.WebClient;
  readonly logger: Logger;
  readonly files: SlackFiles;
  readonly channels: ChannelAccess;
  readonly notifier: Notifier;
  /** Slack user ids allowed to delete anyone's result (`SLACK_ADMIN_IDS`). */
  readonly adminIds: ReadonlySet<string>;
  /** Work to let finish before disconnecting. */
  readonly inflight: Inflight;
  /** Trigger ids already handled (Slack redelivers what it thinks was not acked). */
  readonly triggers: Once;
}
