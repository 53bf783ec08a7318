import { DefaultRestOptions, type RESTOptions } from 'discord.js';

type MakeRequest = RESTOptions['makeRequest'];

/**
 * discord.js's request strategy, with multipart bodies (file uploads) encoded to bytes first.
 *
 * Why: @discordjs/rest sends through undici 6 and the process-wide undici dispatcher, but the core
 * loads undici 7, whose global Agent then takes those requests; it cannot read the FormData that
 * undici 6 hands it ("action is not a function") and every upload fails. Bytes and a content type
 * are understood by every version.
 */
export const makeRequest: MakeRequest = async (url, init) => {
  if (!(init.body instanceof FormData)) return DefaultRestOptions.makeRequest(url, init);
  const encoded = new Response(init.body);
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return DefaultRestOptions.makeRequest(url, {
    ...init,
    body: new Uint8Array(await encoded.arrayBuffer()),
    headers: Object.fromEntries(headers.entries()),
  });
};
