/**
 * A fake nbpro server on a real socket, built from the provider document.
 * @see the nbpro API reference (https://nano-banana-pro.net)
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

export const NBPRO_FAKE_KEY = 'sk-fake-nbpro-key-0123456789';

/** What the next generate call gets. */
export type NbproBehaviour =
  /**
   * 200 `{ model, created, images: [{url}] }`; `images` URLs (default 1) serve real PNGs; the answer
   * comes `delayMs` after the request (a generation takes time: concurrency becomes visible).
   */
  | { readonly kind: 'success'; readonly images?: number; readonly model?: string; readonly delayMs?: number }
  /**
   * `status` with the documented `{ error }` body (default text: the document's description). A
   * refusal is scripted this way too, with a refusal's words: {@link NBPRO_REFUSAL}.
   */
  | { readonly kind: 'error'; readonly status: number; readonly error?: string; readonly headers?: Record<string, string> }
  /** A non-JSON error page, like a proxy's 502. */
  | { readonly kind: 'text'; readonly status: number; readonly body: string }
  /** 200 with a body that is not valid JSON. */
  | { readonly kind: 'malformed' }
  /** 200 with `images: []`: how a Gemini reseller answers a prompt the model would not draw. */
  | { readonly kind: 'noImages' }
  /** 200 with image URLs that answer 404. */
  | { readonly kind: 'brokenUrls' }
  /** Never answers; `close()` still ends the connection. */
  | { readonly kind: 'hang' };

/** The document's error table, used when a behaviour gives no text. */
const DOCUMENTED_ERRORS: Readonly<Record<number, string>> = {
  400: 'Invalid request parameters',
  401: 'Invalid API key',
  402: 'Insufficient credits',
  500: 'Generation failed',
};

/**
 * A refusal as nbpro would relay one (the document lists none): a 400 with the wording resellers
 * use for Gemini's PROHIBITED_CONTENT (see `src/core/providers/refusals.ts`).
 */
export const NBPRO_REFUSAL = { kind: 'error', status: 400, error: 'Request contains prohibited content' } as const satisfies NbproBehaviour;

export type FakeNbproServer = FakeProviderServer<NbproBehaviour>;

export interface NbproServerOptions {
  /** The one accepted key, when `apiKeys` is not given. @defaultValue {@link NBPRO_FAKE_KEY} */
  readonly apiKey?: string;
  /** Several accepted keys, each an account with its own concurrency. @defaultValue `[apiKey]` */
  readonly apiKeys?: readonly string[];
  /** Longer side of the served PNGs. @defaultValue 64 */
  readonly imageLongSide?: number;
}

const GENERATE_PATH = '/api/ai/nano-banana/generate';

export async function startNbproServer(options: NbproServerOptions = {}): Promise<FakeNbproServer> {
  const keys = new FakeKeys(options.apiKeys ?? [options.apiKey ?? NBPRO_FAKE_KEY]);
  const script = new BehaviourScript<NbproBehaviour>({ kind: 'success' });
  const log = new RequestLog();
  const images = new ImageStore('/files/', options.imageLongSide ?? 64);
  let base = '';

  const server = await listen(async (_req, res, recorded) => {
    if (images.serve(recorded, res)) return;
    if (recorded.path !== GENERATE_PATH) return sendJson(res, 404, { error: 'Not found' });
    if (recorded.method !== 'POST') return sendJson(res, 405, { error: 'Method not allowed' });
    log.add(recorded);
    if (!keys.accepts(recorded.key)) return sendJson(res, 401, { error: DOCUMENTED_ERRORS[401] });
    keys.track(recorded.key, res);
    const behaviour = script.next();
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'error':
        return sendJson(
          res,
          behaviour.status,
          { error: behaviour.error ?? DOCUMENTED_ERRORS[behaviour.status] ?? 'Error' },
          behaviour.headers,
        );
      case 'text':
        return sendText(res, behaviour.status, behaviour.body, 'text/html');
      case 'malformed':
        return sendText(res, 200, '{"model": "nano-banana-2", "images": [', 'application/json');
      case 'noImages':
        return sendJson(res, 200, { model: 'nano-banana-2', created: 1705123456, images: [] });
      case 'brokenUrls':
        return sendJson(res, 200, { model: 'nano-banana-2', created: 1705123456, images: [{ url: base + images.missing() }] });
      case 'success': {
        if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        const ratio = ratioOf(recorded);
        const urls: { url: string }[] = [];
        for (let i = 0; i < (behaviour.images ?? 1); i += 1) urls.push({ url: base + (await images.add(ratio)) });
        return sendJson(res, 200, {
          model: behaviour.model ?? `nano-banana-2-${sizeOf(recorded)}`,
          created: Math.floor(Date.now() / 1000),
          images: urls,
        });
      }
    }
  });
  base = server.url;

  return providerHandle({ server, keys, log, images, script, documentedFailure: { kind: 'error', status: 500 } });
}

function fieldOf(recorded: RecordedRequest, name: string): string | undefined {
  const json = recorded.json;
  if (typeof json === 'object' && json !== null && name in json) {
    const value: unknown = (json as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return recorded.fields?.[name]?.[0];
}

function ratioOf(recorded: RecordedRequest): string {
  return fieldOf(recorded, 'aspectRatio') ?? '1:1';
}

function sizeOf(recorded: RecordedRequest): string {
  return fieldOf(recorded, 'size') ?? '1k';
}
