import type { CreditService } from '../credits/CreditService.js';
import { deriveIntent, nextResolution } from '../generation/derive.js';
import type { GenerationService } from '../generation/GenerationService.js';
import type { JobService } from '../jobs/JobService.js';
import type { Facade } from './Facade.js';

/** The facade over the core's services; the composition builds one and hands it to every adapter. */
export function createFacade(parts: { generation: GenerationService; credits: CreditService; jobs: JobService }): Facade {
  const { generation, credits, jobs } = parts;
  const catalog = generation.catalog;
  return {
    catalog,
    submit: (intent, listener) => generation.submit(intent, listener),
    cancel: (jobId) => generation.cancel(jobId),
    subscribe: (listener) => generation.subscribe(listener),
    derive: (parent, request, base) => deriveIntent(catalog, parent, request, base),
    canUpscale: (job) => nextResolution(catalog, job.request.model, job.request.resolution) !== undefined,
    jobs: {
      get: (id) => jobs.byId(id),
      history: (filter) => jobs.history(filter),
    },
    credits: {
      async show(key, options = {}) {
        const account = await credits.ensureAccount(key, options.platform, options.displayName);
        const rows = options.ledger ?? 10;
        return { account, ledger: rows === 0 ? [] : await credits.recentLedger(key, rows) };
      },
      grant: (key, amount, action) => credits.grant(key, amount, action),
      set: (key, amount, action) => credits.set(key, amount, action),
    },
  };
}
