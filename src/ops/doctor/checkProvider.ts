import type { Config } from '../../config.js';
import type { CheckResult } from './types.js';

/**
 * Neither provider document offers a call that proves a key without generating an image (and
 * spending the account's credits), so the key is only checked for shape; say so plainly.
 */
export function checkProviderKey(config: Config): CheckResult {
  const name = 'provider';
  const p = config.provider;
  if (p.id === 'offline') {
    return { name, status: 'warn', detail: 'offline renderer: images are local previews, not AI generations', fix: 'Set NBPRO_API_KEY or NBAPI_API_KEY for real generations.' };
  }
  const plan = p.id === 'nbpro' ? `, plan ${p.plan}` : '';
  return {
    name,
    status: 'skip',
    detail: `${p.id} at ${p.baseUrl}${plan}: the key is set, but ${p.id} offers no call that checks it without generating an image`,
    fix: 'Run `nano-imagine generate "test"` once to verify the key (it spends provider credits).',
  };
}
