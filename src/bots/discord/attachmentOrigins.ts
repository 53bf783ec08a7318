import type { ReferenceSource } from '../../core/generation/types.js';
import { originOf } from '../../core/net/checkFetchUrl.js';

/** Where Discord serves attachments: `url` on its CDN, `proxy_url` on its media proxy. */
const DISCORD_ATTACHMENT_ORIGINS = ['https://cdn.discordapp.com', 'https://media.discordapp.net'] as const;

/**
 * The origins Discord attachments are downloaded from: Discord's CDN, plus the REST base's own
 * origin (a proxy in front of Discord, or a test server), scheme and port included.
 */
export function attachmentOrigins(apiUrl: string): ReadonlySet<string> {
  const api = originOf(apiUrl);
  return new Set(api === undefined ? DISCORD_ATTACHMENT_ORIGINS : [...DISCORD_ATTACHMENT_ORIGINS, api]);
}

/** Whether every downloadable reference is a Discord attachment (bytes need no download). */
export function fromDiscordOnly(references: readonly ReferenceSource[], origins: ReadonlySet<string>): boolean {
  return references.every((r) => {
    if (!('url' in r)) return true;
    const origin = originOf(r.url);
    return origin !== undefined && origins.has(origin);
  });
}
