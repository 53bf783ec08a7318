import type { Config } from '../config.js';
import { originOf } from '../core/net/checkFetchUrl.js';

/**
 * The origins the core's connections may reach on any address, local ones included: the provider,
 * Discord and Slack API bases it was configured with (a proxy or a test server may well be local)
 * and `FETCH_ALLOW_ORIGINS`. Scheme, host and port are all part of each; everything else must be a
 * public address.
 */
export function fetchAllowOrigins(config: Config): string[] {
  const bases = [
    config.provider.id === 'offline' ? undefined : config.provider.baseUrl,
    config.discord?.apiUrl,
    config.slack?.apiUrl,
    ...config.fetchAllowOrigins,
  ];
  const origins = bases.map((base) => (base === undefined ? undefined : originOf(base)));
  return [...new Set(origins.filter((origin) => origin !== undefined))];
}
