import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startNbproServer } from '../test/fakes/nbproServer.js';

/**
 * A burst of `jobs` jobs split over two processes sharing one database and one provider key that
 * allows `limit` generations at once, each taking about `delayMs` at the provider. The floor is what
 * the key allows: the generations' measured durations added up, over `limit` (a key kept busy from
 * the first request to the last answer); the figure is the provider-side makespan (first request to
 * last answer) against it, and the most generations the key ever saw at once.
 */
export async function runScaleOutBench(
  database: Record<string, string>,
  options: { jobs?: number; limit?: number; delayMs?: number } = {},
): Promise<{ makespanMs: number; floorMs: number; efficiency: number; peak: number; limit: number; jobs: number }> {
  const jobs = options.jobs ?? 200;
  const limit = options.limit ?? 4;
  const delayMs = options.delayMs ?? 200;
  const nbpro = await startNbproServer({ imageLongSide: 64 });
  nbpro.setMode({ kind: 'success', delayMs });
  const worker = fileURLToPath(new URL('./scaleWorker.ts', import.meta.url));
  try {
    const env = (name: string) => ({
      PATH: process.env.PATH ?? '',
      ...database,
      WORKER: name,
      JOBS: String(jobs / 2),
      NBPRO_API_KEY: nbpro.apiKey,
      NBPRO_BASE_URL: nbpro.url,
      PROVIDER_CONCURRENCY: String(limit),
      USER_CONCURRENCY: '4',
      STARTING_CREDITS: '1000',
      LOG_LEVEL: 'silent',
    });
    const children = ['a', 'b'].map((name) => spawn(process.execPath, ['--import', 'tsx', worker], { env: env(name), stdio: ['ignore', 'pipe', 'inherit'] }));
    const exits = await Promise.all(children.map(async (child) => (await once(child, 'exit'))[0] as number | null));
    if (exits.some((code) => code !== 0)) throw new Error(`a scale-out worker failed: exit codes ${exits.join(', ')}`);
    if (nbpro.requests.length !== jobs) throw new Error(`expected ${jobs} generations, the provider saw ${nbpro.requests.length}`);
    const makespanMs = nbpro.concurrency.lastEndedAt! - nbpro.concurrency.firstStartedAt!;
    const floorMs = nbpro.concurrency.busyMs / limit;
    return { makespanMs, floorMs, efficiency: floorMs / makespanMs, peak: nbpro.concurrency.peak, limit, jobs };
  } finally {
    await nbpro.close();
  }
}
