import type { ImageSpool } from '../core/delivery/ImageSpool.js';
import type { OutputImage } from '../core/generation/types.js';

/** {@link ImageSpool} in memory, for an in-memory database (which forgets its jobs on exit too). */
export class MemorySpool implements ImageSpool {
  readonly #jobs = new Map<string, readonly OutputImage[]>();

  put(jobId: string, images: readonly OutputImage[]): Promise<void> {
    this.#jobs.set(jobId, [...images]);
    return Promise.resolve();
  }

  get(jobId: string): Promise<OutputImage[] | undefined> {
    const images = this.#jobs.get(jobId);
    return Promise.resolve(images && [...images]);
  }

  drop(jobId: string): Promise<void> {
    this.#jobs.delete(jobId);
    return Promise.resolve();
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.#jobs.keys()]);
  }

  sweepUnfinished(): Promise<void> {
    // A put here is never half done.
    return Promise.resolve();
  }
}
