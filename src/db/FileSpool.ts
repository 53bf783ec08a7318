import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSpool } from '../core/delivery/ImageSpool.js';
import type { OutputImage } from '../core/generation/types.js';

/** What a spooled job's `images.json` holds beside its image files. */
interface SpoolIndex {
  readonly images: readonly { readonly file: string; readonly name: string; readonly mime: string; readonly width: number; readonly height: number }[];
}

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A keep being written: `.<jobId>.<hex>.tmp`. */
const TEMP = /^\.[A-Za-z0-9_-]{1,64}\.[0-9a-f]+\.tmp$/;

/**
 * {@link ImageSpool} as files: `<dir>/<jobId>/<n>.img` and an `images.json` index. A job's folder is
 * written under a temporary name and renamed into place, so it is either whole or absent.
 */
export class FileSpool implements ImageSpool {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async put(jobId: string, images: readonly OutputImage[]): Promise<void> {
    const target = this.#jobDir(jobId);
    const temp = join(this.#dir, `.${jobId}.${randomBytes(4).toString('hex')}.tmp`);
    await mkdir(temp, { recursive: true });
    try {
      const index: SpoolIndex = {
        images: await Promise.all(
          images.map(async (image, i) => {
            const file = `${i + 1}.img`;
            await writeFile(join(temp, file), image.bytes);
            return { file, name: image.name, mime: image.mime, width: image.width, height: image.height };
          }),
        ),
      };
      await writeFile(join(temp, 'images.json'), JSON.stringify(index));
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  async get(jobId: string): Promise<OutputImage[] | undefined> {
    const dir = this.#jobDir(jobId);
    let index: SpoolIndex;
    try {
      index = JSON.parse(await readFile(join(dir, 'images.json'), 'utf8')) as SpoolIndex;
    } catch {
      return undefined;
    }
    try {
      return await Promise.all(
        index.images.map(async ({ file, name, mime, width, height }) => ({ name, mime, width, height, bytes: await readFile(join(dir, file)) })),
      );
    } catch {
      return undefined;
    }
  }

  async drop(jobId: string): Promise<void> {
    await rm(this.#jobDir(jobId), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.#dir)).filter((name) => JOB_ID.test(name));
    } catch {
      return [];
    }
  }

  async sweepUnfinished(olderThanMs: number): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return;
    }
    const cutoff = Date.now() - olderThanMs;
    for (const name of names.filter((n) => TEMP.test(n))) {
      const path = join(this.#dir, name);
      // Old enough that no live put (which takes seconds) can still be writing it.
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
    }
  }

  #jobDir(jobId: string): string {
    // Job ids are made by the core; anything else would be a path outside the spool.
    if (!JOB_ID.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return join(this.#dir, jobId);
  }
}
