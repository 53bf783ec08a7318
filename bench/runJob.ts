import type { Core } from '../src/app/createCore.js';
import type { GenerationIntent } from '../src/core/generation/types.js';

/**
 * Submits one job and resolves once it succeeded. The bench is its deliverer: every image counts as
 * posted. A refusal or a failure rejects.
 */
export function runJob(core: Core, intent: GenerationIntent): Promise<void> {
  return new Promise((resolve, reject) => {
    core.generation
      .submit(intent, (e) => {
        if (e.type === 'ready') e.delivery.confirm(e.images.length);
        else if (e.type === 'succeeded') resolve();
        else if (e.type === 'failed') reject(new Error(e.message));
      })
      .then((outcome) => {
        if (!outcome.ok) reject(new Error(outcome.refusal.message));
      }, reject);
  });
}
