import type { Job } from '../core/model.js';
import type { Platform } from '../core/vocabulary.js';

/**
 * A chat platform adapter (DESIGN §2): turns platform events into core calls and job events into
 * platform messages. The app starts and stops it; it owns its connection.
 */
export interface ChatAdapter {
  readonly platform: Exclude<Platform, 'cli'>;
  /** Connects and begins handling events. Resolves once connected. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice. */
  stop(): Promise<void>;
  /** Whether the platform connection is up now (for /readyz). */
  isConnected(): boolean;
  /** Best effort: tells the owners of these jobs (interrupted by a restart) that their credits came back. */
  notifyInterrupted(jobs: readonly Job[]): Promise<void>;
}
