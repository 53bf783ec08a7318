import { request, type Dispatcher } from 'undici';
import { ImageError } from '../errors.js';
import { checkFetchUrl, MAX_REDIRECTS } from '../net/checkFetchUrl.js';
import { findFetchRefusal } from '../net/FetchRefusedError.js';
import { notAnImage, tooLarge } from './limits.js';
import { SNIFF_BYTES, sniffImageType, type ImageMime } from './sniff.js';

/** Where an image lives: a URL and any headers its host needs (e.g. Slack's bot token). */
export interface ImageSource {
  readonly url: string;
  /** Sent to the URL's origin only: dropped for good at the first cross-origin redirect. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FetchImageOptions {
  /** The download is abandoned as soon as the body passes this many bytes. */
  readonly maxBytes: number;
  /** Time for the whole download, redirects and body included. */
  readonly timeoutMs: number;
  /** Cancels the download; its reason is rethrown as is. */
  readonly signal?: AbortSignal;
  /**
   * undici dispatcher; the global one when absent. The address check lives here: pass a guarded
   * agent (`createGuardedAgent`), as the core does, so every hop is checked where it connects.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Redirects followed before giving up.
   * @defaultValue {@link MAX_REDIRECTS}
   */
  readonly maxRedirects?: number;
}

/** A downloaded image whose type was checked from its bytes. */
export interface FetchedImage {
  readonly bytes: Buffer;
  readonly mime: ImageMime;
}

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif;q=0.9,*/*;q=0.1';

function fetchFailed(detail: string, cause?: unknown): ImageError {
  return new ImageError(
    'image_fetch_failed',
    `Could not download the image (${detail}).`,
    cause === undefined ? undefined : { cause },
  );
}

function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads the body up to `maxBytes`, refusing early: an oversized or non-image body is cut off as soon
 * as that is known, so a login page or a huge file costs one chunk, not the whole download.
 */
async function readImageBody(response: Dispatcher.ResponseData, maxBytes: number): Promise<FetchedImage> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let sniffed = false;
  // Leaving this loop by a throw destroys the stream, which closes the connection.
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
    if (!sniffed && total >= SNIFF_BYTES) {
      if (sniffImageType(Buffer.concat(chunks)) === undefined) throw notAnImage();
      sniffed = true;
    }
  }
  const bytes = Buffer.concat(chunks, total);
  const mime = sniffImageType(bytes);
  if (mime === undefined) throw notAnImage();
  return { bytes, mime };
}

async function download(source: ImageSource, options: FetchImageOptions, signal: AbortSignal): Promise<FetchedImage> {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  let url = checkFetchUrl(source.url);
  let headers: Readonly<Record<string, string>> = source.headers ?? {};
  for (let redirects = 0; ; redirects += 1) {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: ACCEPT, ...headers },
      signal,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    const { statusCode } = response;
    if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
      await response.body.dump();
      const location = headerValue(response.headers, 'location');
      if (location === undefined) throw fetchFailed(`HTTP ${statusCode} without a location`);
      if (redirects >= maxRedirects) throw fetchFailed('too many redirects');
      const next = checkFetchUrl(location, url);
      // A token for one host must never reach another (the fetch standard drops Authorization the
      // same way); the caller's headers all exist for the first origin, so all of them go.
      if (next.origin !== url.origin) headers = {};
      url = next;
      continue;
    }
    if (statusCode < 200 || statusCode >= 300) {
      await response.body.dump();
      throw fetchFailed(`HTTP ${statusCode}`);
    }
    return readImageBody(response, options.maxBytes);
  }
}

/**
 * Downloads an image with a byte cap, a timeout and a check of its real type (DESIGN §3 steps 5
 * and 7). Only http(s) URLs without user info are requested; redirects are followed by hand (a
 * bounded number), each hop checked again and sent without the caller's headers once the chain
 * leaves the first origin. Messages never carry the URL or header values: both can hold secrets.
 *
 * @throws FetchRefusedError (`fetch_refused`) for a URL or hop the network policy refuses: not
 *   http(s), user info, or an address the dispatcher would not connect to.
 * @throws ImageError `image_too_large` (declared or streamed size over `maxBytes`),
 *   `image_not_image` (HTML, text or any other type), `image_fetch_failed` (HTTP 4xx/5xx, network,
 *   too many redirects), `image_timeout`; the caller's abort reason when `signal` aborts.
 */
export async function fetchImage(source: ImageSource, options: FetchImageOptions): Promise<FetchedImage> {
  options.signal?.throwIfAborted();
  // One controller for both causes, with the timer and listener removed when done: a finished
  // download must leave nothing behind on a long-lived caller signal.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const forward = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  try {
    return await download(source, options, controller.signal);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    const refusal = findFetchRefusal(error);
    if (refusal) throw refusal;
    options.signal?.throwIfAborted();
    if (timedOut) {
      const seconds = Number((options.timeoutMs / 1000).toFixed(1));
      throw new ImageError('image_timeout', `The image took longer than ${seconds} s to download.`, { cause: error });
    }
    throw fetchFailed('the server could not be reached', error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
}
