import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Catalog } from '../catalog/types.js';
import { AppError, ProviderError } from '../errors.js';
import { fetchImage } from '../images/fetchImage.js';
import { readImageHeader } from '../images/header.js';
import { inspectImage } from '../images/prepare.js';
import { withRetry, type RetryPolicy } from '../providers/retry.js';
import type { ImageProvider, ProviderImage } from '../providers/types.js';
import type { PreparedImage } from '../vocabulary.js';
import { Semaphore } from '../scheduler/Semaphore.js';
import type { GenerationObserver } from './observer.js';
import type { OutputImage, ResolvedRequest } from './types.js';

export interface ProviderRunnerOptions {
  readonly provider: ImageProvider;
  readonly catalog: Catalog;
  readonly observer: GenerationObserver;
  /** Provider calls at once, over all jobs (the provider account's concurrency). */
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxOutputBytes: number;
  readonly downloadTimeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

/**
 * Gets a job's images out of the provider (DESIGN §3 steps 6–7): one call with a count where the
 * provider has one, else one call per image, every call under the account's concurrency, a
 * per-attempt timeout and the retry policy; then downloads and checks what came back.
 */
export class ProviderRunner {
  readonly #o: ProviderRunnerOptions;
  readonly #calls: Semaphore;

  constructor(options: ProviderRunnerOptions) {
    this.#o = options;
    this.#calls = new Semaphore(options.concurrency);
  }

  /** Every image the calls produced (at most the count asked for), and the first failure if any call failed. */
  async generate(
    request: ResolvedRequest,
    references: readonly PreparedImage[],
    signal: AbortSignal,
    log: Logger,
  ): Promise<{ images: ProviderImage[]; firstError: unknown }> {
    const calls = this.#o.catalog.nativeCount ? [request.count] : Array.from({ length: request.count }, () => 1);
    const results = await Promise.allSettled(
      calls.map((count, variation) => this.#calls.use(() => this.#call(request, references, count, variation, signal, log))),
    );
    const images: ProviderImage[] = [];
    let firstError: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') images.push(...r.value);
      else firstError ??= r.reason;
    }
    // A provider that returns more than asked is not allowed to charge more than asked.
    return { images: images.slice(0, request.count), firstError };
  }

  /** Downloads (capped, typed) what the provider made; an unusable image is dropped and logged. */
  async download(produced: readonly ProviderImage[], signal: AbortSignal, log: Logger): Promise<OutputImage[]> {
    const settled = await Promise.allSettled(produced.map((image, i) => this.#fetchOutput(image, i, signal)));
    const images: OutputImage[] = [];
    for (const r of settled) {
      if (r.status === 'fulfilled') images.push(r.value);
      else log.warn({ errorCode: r.reason instanceof AppError ? r.reason.code : 'internal' }, 'output image unusable');
    }
    return images;
  }

  async #call(
    request: ResolvedRequest,
    references: readonly PreparedImage[],
    count: number,
    variation: number,
    signal: AbortSignal,
    log: Logger,
  ): Promise<readonly ProviderImage[]> {
    const { provider, observer } = this.#o;
    const result = await withRetry(
      async (attemptSignal) => {
        const began = performance.now();
        try {
          const out = await provider.generate(
            {
              prompt: request.prompt,
              model: request.providerModel,
              aspectRatio: request.aspectRatio,
              resolution: request.resolution,
              count,
              references,
              variation,
            },
            { signal: attemptSignal },
          );
          observer.providerCall(provider.id, performance.now() - began, undefined);
          return out;
        } catch (error) {
          observer.providerCall(provider.id, performance.now() - began, error instanceof ProviderError ? error.kind : 'bad_response');
          throw error;
        }
      },
      {
        policy: this.#o.retry,
        timeoutMs: this.#o.timeoutMs,
        signal,
        onRetry: ({ attempt, error, delayMs }) => log.warn({ attempt, errorCode: error.code, delayMs }, 'provider call failed; retrying'),
      },
    );
    return result.images;
  }

  async #fetchOutput(image: ProviderImage, i: number, signal: AbortSignal): Promise<OutputImage> {
    let bytes: Buffer;
    if ('bytes' in image) bytes = image.bytes;
    else {
      const began = performance.now();
      const { dispatcher } = this.#o;
      bytes = (
        await fetchImage(
          { url: image.url },
          { maxBytes: this.#o.maxOutputBytes, timeoutMs: this.#o.downloadTimeoutMs, signal, ...(dispatcher ? { dispatcher } : {}) },
        )
      ).bytes;
      this.#o.observer.outputDownloaded(this.#o.provider.id, performance.now() - began);
    }
    // The header tells type and size in microseconds; libvips decides only what it cannot read.
    const info = readImageHeader(bytes) ?? (await inspectImage(bytes));
    const ext = info.mime === 'image/jpeg' ? 'jpg' : info.mime.slice('image/'.length);
    return { name: `image-${i + 1}.${ext}`, mime: info.mime, bytes, width: info.width, height: info.height };
  }
}
