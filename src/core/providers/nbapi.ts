/**
 * The nbapi client (DESIGN §4).
 * @see the nbapi API reference (https://api.nanobananaapi.dev) — `POST /v1/images/generate`
 */
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ProviderErrorKind } from '../errorCodes.js';
import { checkProviderOptions, logProviderCall, resolveImageUrl } from './clientSupport.js';
import { parseJsonBody, sendProviderRequest, type ProviderHttpReply } from './http.js';
import { kindForHttpStatus, providerFailure } from './providerFailure.js';
import { classifyRefusal, refusalOfErrorReply } from './refusals.js';
import type { ImageProvider, ProviderCallOptions, ProviderImage, ProviderRequest, ProviderResult } from './types.js';

export const NBAPI_GENERATE_PATH = '/v1/images/generate';

export interface NbapiProviderOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** e.g. `https://api.nanobananaapi.dev` (`NBAPI_BASE_URL`); a trailing slash is ignored. */
  readonly baseUrl: string;
  /** undici dispatcher (an Agent, a proxy, a MockAgent); undici's global one when omitted. */
  readonly dispatcher?: Dispatcher;
  readonly logger?: Logger;
}

/** `code` as documented (a number), tolerating a numeric string. */
const codeSchema = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);
/** The unified envelope `{ code, message, data }`; extra fields are ignored. */
const envelopeSchema = z.object({
  code: codeSchema,
  message: z.string().optional(),
  data: z.unknown().optional(),
});
const dataSchema = z.object({ url: z.union([z.string(), z.array(z.string())]) });

/** Words in a refusal that mean the nbapi account, not the request, is the problem. */
const CREDIT_WORDS = /credit|balance/i;

/**
 * Calls nbapi once per {@link ImageProvider.generate}, asking for `request.count` images (`num`).
 *
 * What the API reference leaves open, and what this client assumes:
 * - It documents no reference-image field, so a request with references is refused locally as
 *   `invalid_request` before any network call (the catalog refuses it earlier anyway).
 * - Resolution is part of `request.model` (its `-2k`/`-4k`/`-512`/`-hd` suffix), so `request.resolution`
 *   is not sent. The reply names no model; the result reports `request.model`.
 * - Fewer URLs than `num` is a partial success (the core settles per delivered image); more than `num`
 *   are cut to `num` so nobody receives images they were not charged for. No URL at all (`url: []` or
 *   `""`) is the model declining the prompt, the way Gemini answers one it will not draw: `refused`,
 *   for the reason the envelope's `message` names (see `refusals.ts`), else `no_image`. URLs that are
 *   all unusable (`data:`, `file:`) did produce something: `bad_response`.
 * - Errors arrive as `{ code, message }`. Whether the HTTP status matches `code` is not documented, so
 *   both are read: a JSON envelope with `code != 0` is mapped by its `code` (400/403/422/451 whose
 *   message matches a pattern of `refusals.ts` → `refused`; 401 auth; 400/402/403 whose message
 *   mentions credits or balance → `out_of_credits`; 429; 5xx; unknown codes → `invalid_request`), and
 *   a non-2xx status without a usable envelope is mapped by the status the same way. The refusal is
 *   tested first because resellers' refusals may add that no credits were taken. A code that is no
 *   HTTP status (`1001`) is judged by the HTTP status for refusals.
 */
export class NbapiProvider implements ImageProvider {
  readonly id = 'nbapi' as const;
  readonly #apiKey: string;
  readonly #endpoint: string;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #logger: Logger | undefined;

  /** @throws `ConfigError` when the key is empty or `baseUrl` is not an http(s) URL. */
  constructor(options: NbapiProviderOptions) {
    const base = checkProviderOptions('nbapi', options.apiKey, options.baseUrl, 'NBAPI');
    this.#apiKey = options.apiKey;
    this.#endpoint = new URL(NBAPI_GENERATE_PATH.slice(1), base).href;
    this.#dispatcher = options.dispatcher;
    this.#logger = options.logger;
  }

  /** @see the nbapi API reference (https://api.nanobananaapi.dev) — request body, unified reply and error format. */
  async generate(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResult> {
    if (request.references.length > 0) {
      throw providerFailure('invalid_request', this.id, {
        summary: 'nbapi does not accept reference images; send the prompt alone',
      });
    }
    const started = performance.now();
    const reply = await sendProviderRequest({
      provider: this.id,
      url: this.#endpoint,
      headers: {
        authorization: `Bearer ${this.#apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        prompt: request.prompt,
        num: request.count,
        model: request.model,
        image_size: request.aspectRatio,
      }),
      signal: options.signal,
      dispatcher: this.#dispatcher,
      secret: this.#apiKey,
    });
    logProviderCall(this.#logger, this.id, reply.status, started, 0);
    return this.#readReply(reply, request);
  }

  #readReply(reply: ProviderHttpReply, request: ProviderRequest): ProviderResult {
    const json = parseJsonBody(reply.body);
    const envelope = envelopeSchema.safeParse(json?.value);
    const ok = reply.status >= 200 && reply.status <= 299;
    if (envelope.success && envelope.data.code !== 0) {
      const { code, message } = envelope.data;
      const refusal = refusalOfErrorReply(code >= 100 && code <= 599 ? code : reply.status, message);
      throw providerFailure(refusal === undefined ? kindForCode(code, message) : 'refused', this.id, {
        status: reply.status,
        providerMessage: message,
        secret: this.#apiKey,
        retryAfterMs: reply.retryAfterMs,
        refusal,
      });
    }
    if (!ok) {
      const message = envelope.success ? envelope.data.message : undefined;
      const refusal = refusalOfErrorReply(reply.status, message);
      throw providerFailure(refusal === undefined ? kindForHttpStatus(reply.status) : 'refused', this.id, {
        status: reply.status,
        providerMessage: message,
        secret: this.#apiKey,
        retryAfterMs: reply.retryAfterMs,
        refusal,
      });
    }
    const data = envelope.success ? dataSchema.safeParse(envelope.data.data) : undefined;
    if (data === undefined || !data.success) {
      throw providerFailure('bad_response', this.id, {
        status: reply.status,
        cause: json === undefined ? new Error('reply is not JSON') : (data?.error ?? envelope.error),
      });
    }
    const urls = typeof data.data.url === 'string' ? [data.data.url] : data.data.url;
    if (urls.every((url) => url.trim().length === 0)) {
      const message = envelope.success ? envelope.data.message : undefined;
      throw providerFailure('refused', this.id, {
        status: reply.status,
        providerMessage: message,
        secret: this.#apiKey,
        summary: 'The image provider answered without any image',
        refusal: classifyRefusal(message) ?? 'no_image',
      });
    }
    const images: ProviderImage[] = [];
    for (const raw of urls) {
      const url = resolveImageUrl(raw, this.#endpoint);
      if (url !== undefined && images.length < request.count) images.push({ url });
    }
    if (images.length === 0) {
      throw providerFailure('bad_response', this.id, {
        status: reply.status,
        summary: 'The image provider answered with image links that are not http(s)',
      });
    }
    return { model: request.model, images };
  }
}

/** Maps a non-zero envelope `code` (see the class comment). */
function kindForCode(code: number, message: string | undefined): ProviderErrorKind {
  if ((code === 400 || code === 402 || code === 403) && CREDIT_WORDS.test(message ?? '')) return 'out_of_credits';
  if (code >= 400 && code <= 599) return kindForHttpStatus(code);
  return 'invalid_request';
}
