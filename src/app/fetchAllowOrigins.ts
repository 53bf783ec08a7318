import type { Config } from '../config.js';
import { originOf } from '../core/net/checkFetchUrl.js';

/**
 * The origins the core's connections may reach on any address, local ones included: every provider's,
 * Discord's and Slack's API base it was configured with (a proxy or a test server may well be local)
 * and `FETCH_ALLOW_ORIGINS`. Scheme, host and port are all part of each; everything else must be a
 * public address.
 */
export function fetchAllowOrigins(config: Config): string[] {
  const bases = [
    ...config.providers.map((p) => (p.id === 'offline' ? undefined : p.baseUrl)),
    config.discord?.apiUrl,
    config.slack?.apiUrl,
    ...config.fetchAllowOrigins,
  ];
  const origins = bases.map((base) => (base === undefined ? undefined : originOf(base)));
  return [...new Set(origins.filter((origin) => origin !== undefined))];
}
