import { isIP } from 'node:net';
import { FetchRefusedError } from './FetchRefusedError.js';
import { refusedRange } from './publicAddress.js';

/** Redirects a download follows before giving up; every hop is checked again. */
export const MAX_REDIRECTS = 3;

/**
 * Parses a URL a download is about to request (the first one or a redirect's `location`, relative
 * to `base`) and refuses what no image fetch needs: schemes other than http(s) and user info
 * (`https://user:pass@host/`). The address itself is checked when the connection is made (see
 * `guardedConnector`), on the address actually connected to.
 * @throws FetchRefusedError
 */
export function checkFetchUrl(location: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch (error) {
    throw new FetchRefusedError('invalid_url', { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefusedError('not_http');
  if (url.username !== '' || url.password !== '') throw new FetchRefusedError('user_info');
  return url;
}

/** The host of a URL without IPv6 brackets: `[::1]` → `::1`. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * What can be refused from the URL alone, before a job is queued or a credit held: everything
 * {@link checkFetchUrl} refuses, and — outside `allowOrigins` — a host that is a non-public IP
 * address in any spelling the URL parser accepts (`2130706433`, `0x7f.0.0.1`, `[::ffff:127.0.0.1]`)
 * or a `localhost` name. Names that merely resolve to such an address are refused when connecting.
 * @throws FetchRefusedError
 */
export function precheckFetchUrl(location: string, allowOrigins: ReadonlySet<string>): URL {
  const url = checkFetchUrl(location);
  if (allowOrigins.has(url.origin)) return url;
  const host = bareHost(url);
  const local = isIP(host) !== 0 ? refusedRange(host) !== undefined : /(^|\.)localhost\.?$/i.test(host);
  if (local) throw new FetchRefusedError('private_address');
  return url;
}

/** The origin (scheme, host and port) of a URL, or `undefined` when it is not an http(s) URL. */
export function originOf(url: string | URL): string | undefined {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
