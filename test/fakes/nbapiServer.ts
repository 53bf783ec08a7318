/**
 * A fake nbapi server on a real socket, built from the provider document.
 * @see the nbapi API reference (https://api.nanobananaapi.dev)
 */
import {
  BehaviourScript,
  FakeKeys,
  ImageStore,
  RequestLog,
  providerHandle,
  type FakeProviderServer,
  listen,
  sendJson,
  sendText,
  type RecordedRequest,
} from './fakeServerKit.js';

export type { ConcurrencyGauge, RecordedFile, RecordedRequest } from './fakeServerKit.js';

export const NBAPI_FAKE_KEY = 'nbapi-fake-key-abcdef0123456789';

/** What the next generate call gets. */
export type NbapiBehaviour =
  /**
   * `{ code: 0, message: 'ok', data: { url } }` with `images` URLs (default: the request's `num`);
   * one URL is a string and several an array, as documented (`asArray` forces an array). The answer
   * comes `delayMs` after the request (a generation takes time: concurrency becomes visible).
   */
  | { readonly kind: 'success'; readonly images?: number; readonly asArray?: boolean; readonly delayMs?: number }
  /**
   * The documented `{ code, message }` error body. `httpStatus` defaults to `code` (the document does
   * not say; pass 200 for an API that reports errors only in the body). A refusal is scripted this
   * way too, with a refusal's words: {@link NBAPI_REFUSAL}.
   */
  | {
      readonly kind: 'error';
      readonly code: number;
      readonly message?: string;
      readonly httpStatus?: number;
      readonly headers?: Record<string, string>;
    }
  /** A non-JSON error page, like a proxy's 502. */
  | { readonly kind: 'text'; readonly status: number; readonly body: string }
  /** 200 with a body that is not valid JSON. */
  | { readonly kind: 'malformed' }
  /** `code: 0` with `data.url: []`: how a Gemini reseller answers a prompt the model would not draw. */
  | { readonly kind: 'noImages' }
  /** `code: 0` with URLs that answer 404. */
  | { readonly kind: 'brokenUrls' }
  /** Never answers; `close()` still ends the connection. */
  | { readonly kind: 'hang' };

const DOCUMENTED_ERRORS: Readonly<Record<number, string>> = {
  400: 'Invalid request parameters',
  401: 'Invalid API key',
  500: 'Server error',
};

/**
 * A refusal as nbapi would relay one (the document lists none): code 400 with the wording resellers
 * use for a safety block (see `src/core/providers/refusals.ts`).
 */
export const NBAPI_REFUSAL = { kind: 'error', code: 400, message: 'Your prompt was flagged by the safety system' } as const satisfies NbapiBehaviour;

export type FakeNbapiServer = FakeProviderServer<NbapiBehaviour>;

export interface NbapiServerOptions {
  /** The one accepted key, when `apiKeys` is not given. @defaultValue {@link NBAPI_FAKE_KEY} */
  readonly apiKey?: string;
  /** Several accepted keys, each an account with its own concurrency. @defaultValue `[apiKey]` */
  readonly apiKeys?: readonly string[];
  /** Longer side of the served PNGs. @defaultValue 64 */
  readonly imageLongSide?: number;
}

const GENERATE_PATH = '/v1/images/generate';

export async function startNbapiServer(options: NbapiServerOptions = {}): Promise<FakeNbapiServer> {
  const keys = new FakeKeys(options.apiKeys ?? [options.apiKey ?? NBAPI_FAKE_KEY]);
  const script = new BehaviourScript<NbapiBehaviour>({ kind: 'success' });
  const log = new RequestLog();
  const images = new ImageStore('/v1/images/', options.imageLongSide ?? 64);
  let base = '';

  const server = await listen(async (_req, res, recorded) => {
    if (images.serve(recorded, res)) return;
    if (recorded.path !== GENERATE_PATH) return sendJson(res, 404, { code: 404, message: 'Not found' });
    if (recorded.method !== 'POST') return sendJson(res, 405, { code: 405, message: 'Method not allowed' });
    log.add(recorded);
    if (!keys.accepts(recorded.key)) return sendJson(res, 401, { code: 401, message: DOCUMENTED_ERRORS[401] });
    keys.track(recorded.key, res);
    const behaviour = script.next();
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'error':
        return sendJson(
          res,
          behaviour.httpStatus ?? behaviour.code,
          { code: behaviour.code, message: behaviour.message ?? DOCUMENTED_ERRORS[behaviour.code] ?? 'Error' },
          behaviour.headers,
        );
      case 'text':
        return sendText(res, behaviour.status, behaviour.body, 'text/html');
      case 'malformed':
        return sendText(res, 200, '{"code": 0, "data": {"url": ', 'application/json');
      case 'noImages':
        return sendJson(res, 200, { code: 0, message: 'ok', data: { url: [] } });
      case 'brokenUrls':
        return sendJson(res, 200, { code: 0, message: 'ok', data: { url: base + images.missing() } });
      case 'success': {
        if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        const body = jsonObject(recorded);
        const num = typeof body['num'] === 'number' ? body['num'] : 1;
        const ratio = typeof body['image_size'] === 'string' ? body['image_size'] : '1:1';
        const urls: string[] = [];
        for (let i = 0; i < (behaviour.images ?? num); i += 1) urls.push(base + (await images.add(ratio)));
        const url = urls.length === 1 && behaviour.asArray !== true ? urls[0] : urls;
        return sendJson(res, 200, { code: 0, message: 'ok', data: { url } });
      }
    }
  });
  base = server.url;

  return providerHandle({ server, keys, log, images, script, documentedFailure: { kind: 'error', code: 500 } });
}

function jsonObject(recorded: RecordedRequest): Record<string, unknown> {
  const json = recorded.json;
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}
