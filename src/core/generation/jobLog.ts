import type { Logger } from 'pino';
import type { Job } from '../model.js';

/** One child logger per job: every transition line carries these fields. */
export function jobLog(logger: Logger, job: Job): Logger {
  return logger.child({ jobId: job.id, platform: job.platform, account: job.accountKey, provider: job.provider });
}
