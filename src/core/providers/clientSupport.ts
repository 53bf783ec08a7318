/** Small pieces both HTTP provider clients share: option checks, URL handling, logging. */
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import type { ProviderId } from '../vocabulary.js';

/**
 * Checks a client's key and base URL and returns the base with a trailing slash, so that a base with a
 * path prefix (a proxy at `https://host/nbpro`) keeps it when the endpoint path is appended.
 * @throws ConfigError listing each problem and how to fix it.
 */
export function checkProviderOptions(provider: ProviderId, apiKey: string, baseUrl: string, envPrefix: string): URL {
  const problems: string[] = [];
  if (apiKey.trim().length === 0) problems.push(`${envPrefix}_API_KEY is empty: set the ${provider} API key.`);
  let base: URL | undefined;
  try {
    base = new URL(baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') base = undefined;
  } catch {
    base = undefined;
  }
  if (base === undefined) {
    problems.push(`${envPrefix}_BASE_URL must be an absolute http(s) URL such as https://example.com (got "${baseUrl}").`);
  }
  if (problems.length > 0 || base === undefined) throw new ConfigError(problems);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  base.search = '';
  base.hash = '';
  return base;
}

/**
 * An image URL from a reply as an absolute http(s) URL, resolved against the endpoint when relative
 * (a tolerated variation); anything else (empty, `data:`, `file:`) is dropped as `undefined`.
 */
export function resolveImageUrl(raw: string, endpoint: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return undefined;
  try {
    const url = new URL(trimmed, endpoint);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** One debug line per call: provider, status, duration. Never headers, keys or prompts. */
export function logProviderCall(
  logger: Logger | undefined,
  provider: ProviderId,
  status: number,
  startedAt: number,
  references: number,
): void {
  logger?.debug(
    { provider, status, references, durationMs: Math.round(performance.now() - startedAt) },
    'provider call finished',
  );
}
