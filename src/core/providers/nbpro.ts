/**
 * The nbpro client (DESIGN §4).
 * @see the nbpro API reference (https://nano-banana-pro.net) — "Generate Images", `POST /api/ai/nano-banana/generate`
 */
import { FormData } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { z } from 'zod';
import { parseJsonBody, sendProviderRequest, type ProviderHttpReply } from './http.js';
import { kindForHttpStatus, providerFailure } from './providerFailure.js';
import { refusalOfErrorReply } from './refusals.js';
import { checkProviderOptions, logProviderCall, resolveImageUrl } from './clientSupport.js';
import type { ImageProvider, ProviderCallOptions, ProviderImage, ProviderRequest, ProviderResult } from './types.js';
import type { PreparedImage, Resolution } from '../vocabulary.js';

export const NBPRO_GENERATE_PATH = '/api/ai/nano-banana/generate';

export interface NbproProviderOptions {
  /** The account's key (`sk-…`), sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** e.g. `https://nano-banana-pro.net` (`NBPRO_BASE_URL`); a trailing slash is ignored. */
  readonly baseUrl: string;
  /** undici dispatcher (an Agent, a proxy, a MockAgent); undici's global one when omitted. */
  readonly dispatcher?: Dispatcher;
  readonly logger?: Logger;
}

/**
 * The documented success reply `{ model, created, images: [{ url }] }`. Read tolerantly: extra fields
 * are ignored, `model`/`created` may be missing, and an image may also be a bare URL string.
 */
const replySchema = z.object({
  model: z.string().optional(),
  created: z.number().optional(),
  images: z.array(z.union([z.string(), z.object({ url: z.string() })])),
});
const errorSchema = z.object({ error: z.string() });

const SIZES = { '1K': '1k', '2K': '2k', '4K': '4k' } as const satisfies Partial<Record<Resolution, string>>;
const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;

/**
 * Calls nbpro once per {@link ImageProvider.generate}.
 *
 * What the API reference leaves open, and what this client assumes:
 * - The body-parameter table lost its rows; the fields are taken from the examples: `prompt`, `size`
 *   (`1k`/`2k`/`4k`, lower case), `aspectRatio`, and `image`. `request.model` is not sent: nbpro has one
 *   model and the examples never name it.
 * - There is no count field, so one call yields what the provider gives (one image in every example);
 *   `request.count` is ignored and the core calls once per image (DESIGN §3 step 6). Every image in
 *   the reply is returned.
 * - References are sent as the documented multipart upload: fields `prompt`, `size`, `aspectRatio` and
 *   one `image` file part per reference (the multipart example shows one; repeating the field for
 *   several follows the JSON example's `image` array). The file name gets the extension of its type.
 * - Error statuses beyond the documented 400/401/402/500 follow their usual HTTP meaning
 *   (see `kindForHttpStatus`); a `{ error }` body is read whatever the status.
 * - The document names no refusal. A 400/403/422/451 whose `error` matches a pattern of
 *   `refusals.ts` is the model declining the prompt (`refused`, with its reason); so is a 200 whose
 *   `images` holds no URL at all (reason `no_image`), the way Gemini answers a prompt it will not draw.
 *   A 200 whose URLs are all unusable (`data:`, `file:`) did produce something: `bad_response`.
 * - Resolution `512` does not exist on nbpro; it is refused locally as `invalid_request`.
 */
export class NbproProvider implements ImageProvider {
  readonly id = 'nbpro' as const;
  readonly #apiKey: string;
  readonly #endpoint: string;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #logger: Logger | undefined;

  /** @throws `ConfigError` when the key is empty or `baseUrl` is not an http(s) URL. */
  constructor(options: NbproProviderOptions) {
    const base = checkProviderOptions('nbpro', options.apiKey, options.baseUrl, 'NBPRO');
    this.#apiKey = options.apiKey;
    this.#endpoint = new URL(NBPRO_GENERATE_PATH.slice(1), base).href;
    this.#dispatcher = options.dispatcher;
    this.#logger = options.logger;
  }

  /** @see the nbpro API reference (https://nano-banana-pro.net) — request, success reply and error format. */
  async generate(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResult> {
    const size = SIZES[request.resolution as keyof typeof SIZES] as string | undefined;
    if (size === undefined) {
      throw providerFailure('invalid_request', this.id, {
        summary: `nbpro has no ${request.resolution} resolution (it offers 1K, 2K and 4K)`,
      });
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey}`, accept: 'application/json' };
    let body: string | FormData;
    if (request.references.length === 0) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ prompt: request.prompt, size, aspectRatio: request.aspectRatio });
    } else {
      body = multipartBody(request, size);
    }
    const started = performance.now();
    const reply = await sendProviderRequest({
      provider: this.id,
      url: this.#endpoint,
      headers,
      body,
      signal: options.signal,
      dispatcher: this.#dispatcher,
      secret: this.#apiKey,
    });
    logProviderCall(this.#logger, this.id, reply.status, started, request.references.length);
    return this.#readReply(reply, request);
  }

  #readReply(reply: ProviderHttpReply, request: ProviderRequest): ProviderResult {
    const json = parseJsonBody(reply.body);
    if (reply.status < 200 || reply.status > 299) {
      const said = errorSchema.safeParse(json?.value);
      const providerMessage = said.success ? said.data.error : undefined;
      const refusal = refusalOfErrorReply(reply.status, providerMessage);
      throw providerFailure(refusal === undefined ? kindForHttpStatus(reply.status) : 'refused', this.id, {
        status: reply.status,
        providerMessage,
        secret: this.#apiKey,
        retryAfterMs: reply.retryAfterMs,
        refusal,
      });
    }
    const parsed = replySchema.safeParse(json?.value);
    if (!parsed.success) {
      throw providerFailure('bad_response', this.id, {
        status: reply.status,
        cause: json === undefined ? new Error('reply is not JSON') : parsed.error,
      });
    }
    const raw = parsed.data.images.map((image) => (typeof image === 'string' ? image : image.url));
    if (raw.every((url) => url.trim().length === 0)) {
      throw providerFailure('refused', this.id, {
        status: reply.status,
        summary: 'The image provider answered without any image',
        refusal: 'no_image',
      });
    }
    const images: ProviderImage[] = [];
    for (const candidate of raw) {
      const url = resolveImageUrl(candidate, this.#endpoint);
      if (url !== undefined) images.push({ url });
    }
    if (images.length === 0) {
      throw providerFailure('bad_response', this.id, {
        status: reply.status,
        summary: 'The image provider answered with image links that are not http(s)',
      });
    }
    return { model: parsed.data.model ?? request.model, images };
  }
}

function multipartBody(request: ProviderRequest, size: string): FormData {
  const form = new FormData();
  form.append('prompt', request.prompt);
  form.append('size', size);
  form.append('aspectRatio', request.aspectRatio);
  request.references.forEach((reference, index) => {
    // Copy into a fresh ArrayBuffer: a Buffer may be a view on a shared pool.
    const blob = new Blob([new Uint8Array(reference.bytes)], { type: reference.mime });
    form.append('image', blob, fileName(reference, index));
  });
  return form;
}

/** A header-safe file name whose extension matches the (re-encoded) type. */
function fileName(reference: PreparedImage, index: number): string {
  const stem = reference.name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_').slice(0, 80);
  return `${stem.length > 0 ? stem : `reference-${index + 1}`}.${EXTENSIONS[reference.mime]}`;
}
