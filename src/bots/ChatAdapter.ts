import type { OutputImage } from '../core/generation/types.js';
import type { Account, Job } from '../core/model.js';
import type { Platform } from '../core/vocabulary.js';

/**
 * A chat platform adapter (DESIGN §2): turns platform events into core calls and job events into
 * platform messages. The app starts and stops it; it owns its connection.
 */
export interface ChatAdapter {
  readonly platform: Exclude<Platform, 'cli'>;
  /** Connects and begins handling events. Resolves once connected. */
  start(): Promise<void>;
  /**
   * Disconnects, after letting messages still being sent go out for at most `graceMs` (or the
   * adapter's own default); safe to call twice.
   */
  stop(graceMs?: number): Promise<void>;
  /** Whether the platform connection is up now (for /readyz). */
  isConnected(): boolean;
  /**
   * Best effort: tells the owners of jobs recovery released (interrupted by a restart, or whose
   * images could not be posted after one) that their credits came back; the text follows each job's
   * `errorCode`.
   */
  notifyReleased(jobs: readonly Job[]): Promise<void>;
  /**
   * Posts a result a previous process made but did not get confirmed, to where the job was asked
   * for, with the bot's own token. Resolves to the images the platform took; throws when it refused.
   */
  redeliver(job: Job, images: readonly OutputImage[], account: Account): Promise<number>;
}
