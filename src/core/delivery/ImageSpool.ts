import type { OutputImage } from '../generation/types.js';

/**
 * Where a job's images wait between download and the platform's confirmation, so that a crash in
 * between loses nothing: start-up recovery re-delivers from here. `src/db` keeps them as files beside
 * the database.
 */
export interface ImageSpool {
  /** Keeps a job's images; once this resolves they survive a crash. */
  put(jobId: string, images: readonly OutputImage[]): Promise<void>;
  /** The images kept for a job, or undefined when there are none (never kept, dropped, or lost). */
  get(jobId: string): Promise<OutputImage[] | undefined>;
  /** Forgets a job's images (delivered, or given up). Dropping what is not there is no error. */
  drop(jobId: string): Promise<void>;
  /** Jobs with images kept, for sweeping what a settled job left behind. */
  list(): Promise<string[]>;
  /** Removes half-written keeps older than `olderThanMs` (a process died during {@link put}). */
  sweepUnfinished(olderThanMs: number): Promise<void>;
}
