import type { Job } from '../model.js';
import type { ReferenceSource, ResolvedRequest } from './types.js';

/** A job this process holds credits for and will run. */
export interface PendingJob {
  readonly job: Job;
  readonly request: ResolvedRequest;
  readonly references: readonly ReferenceSource[];
  readonly controller: AbortController;
  /** The place last told to listeners; undefined until the job was announced as queued. */
  position: number | undefined;
  /** Its images were offered to the deliverer; the delivery service settles it. */
  delivering?: boolean;
}
