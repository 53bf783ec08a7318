import type { Config, ProviderSetup } from '../../config.js';
import type { CheckResult } from './types.js';

/**
 * One result per configured provider. Neither provider document offers a call that proves a key
 * without generating an image (and spending the account's credits), so keys are only checked for
 * shape; say so plainly.
 */
export function checkProviderKeys(config: Config): CheckResult[] {
  return config.providers.map(checkProvider);
}

function checkProvider(p: ProviderSetup): CheckResult {
  const name = 'provider';
  if (p.id === 'offline') {
    return { name, status: 'warn', detail: 'offline renderer: images are local previews, not AI generations', fix: 'Set NBPRO_API_KEY or NBAPI_API_KEY for real generations.' };
  }
  const plan = p.id === 'nbpro' ? `, plan ${p.plan}` : '';
  const one = p.apiKeys.length === 1;
  return {
    name,
    status: 'skip',
    detail: `${p.id} at ${p.baseUrl}${plan}, ${one ? '1 key' : `${p.apiKeys.length} keys`}: set, but ${p.id} offers no call that checks ${one ? 'it' : 'them'} without generating an image`,
    fix: `Run \`nano-imagine generate "test"\` once to verify ${one ? 'the key' : 'a key'} (it spends provider credits).`,
  };
}

