import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createCore, type Core } from '../src/app/createCore.js';
import { parseConfig } from '../src/config.js';
import type { ProviderErrorKind } from '../src/core/errorCodes.js';
import type { GenerationObserver } from '../src/core/generation/observer.js';
import type { GenerationIntent } from '../src/core/generation/types.js';
import type { Job } from '../src/core/model.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NBPRO_FAKE_KEY } from '../test/fakes/nbproServer.js';
import { startFakeProviderProcess } from './fakeProviderProcess.js';
import { runJob } from './runJob.js';
import { percentile } from './stats.js';

const execFileAsync = promisify(execFile);

/**
 * Records the time spent waiting on the provider (its API calls and the download of its result
 * images from its storage), so overhead = total − that.
 */
class ProviderClock implements GenerationObserver {
  providerMs = 0;
  jobFinished(_job: Job, _durationMs: number): void {}
  providerCall(_provider: string, durationMs: number, _kind: ProviderErrorKind | undefined): void {
    this.providerMs += durationMs;
  }
  outputDownloaded(_provider: string, durationMs: number): void {
    this.providerMs += durationMs;
  }
  queueDepth(_depth: number): void {}
  creditsCaptured(_amount: number): void {}
}

interface Setup {
  core: Core;
  observer: ProviderClock;
  close(): Promise<void>;
}

/** A core on a temp file talking to a fake nbpro server at `baseUrl`. */
async function setup(baseUrl: string, env: Record<string, string>): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'ni-bench-engine-'));
  const config = parseConfig({
    NBPRO_API_KEY: NBPRO_FAKE_KEY,
    NBPRO_BASE_URL: baseUrl,
    DATABASE_PATH: join(dir, 'bench.db'),
    STARTING_CREDITS: '1000000',
    ...env,
  });
  const observer = new ProviderClock();
  const core = await createCore(config, { logger: pino({ level: 'silent' }), observer });
  return {
    core,
    observer,
    async close() {
      await core.generation.shutdown(0);
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
function intent(user: number): GenerationIntent {
  seq += 1;
  return {
    idempotencyKey: `bench-${seq}`,
    accountKey: `cli:user${user}`,
    platform: 'cli',
    destination: {},
    kind: 'imagine',
    prompt: 'a koi pond at dawn',
    options: { resolution: '1K' },
    references: [],
  };
}


/**
 * Jobs per second through the GenerationService against the fake nbpro server on 127.0.0.1 (zero
 * added latency, 1K PNG outputs), and the engine's own time per job: wall time from submit to the
 * `succeeded` event minus the time waiting on the provider: its API calls and its result downloads
 * (queueing excluded: jobs run one at a time).
 */
export async function runEngineBench(jobs = 2000): Promise<{ jobsPerSecond: number; overheadP50: number; overheadP99: number }> {
  const provider = await startFakeProviderProcess();
  try {
    return await measureEngine(provider.url, jobs);
  } finally {
    await provider.stop();
  }
}

async function measureEngine(baseUrl: string, jobs: number): Promise<{ jobsPerSecond: number; overheadP50: number; overheadP99: number }> {
  const throughput = await setup(baseUrl, { NBPRO_PLAN: 'pro', USER_CONCURRENCY: '4', QUEUE_LIMIT: '100000' });
  let jobsPerSecond: number;
  try {
    await Promise.all(Array.from({ length: 50 }, (_, u) => runJob(throughput.core, intent(u)))); // warm-up
    const started = performance.now();
    // 200 users submitting 10 jobs each (their queue limit) at once.
    const all: Promise<void>[] = [];
    for (let i = 0; i < jobs; i++) all.push(runJob(throughput.core, intent(i % 200)));
    await Promise.all(all);
    jobsPerSecond = jobs / ((performance.now() - started) / 1000);
  } finally {
    await throughput.close();
  }

  const latency = await setup(baseUrl, { NBPRO_PLAN: 'pro' });
  const overheads: number[] = [];
  try {
    for (let i = 0; i < 550; i++) {
      latency.observer.providerMs = 0;
      const began = performance.now();
      await runJob(latency.core, intent(i % 20));
      const total = performance.now() - began;
      if (i >= 50) overheads.push(total - latency.observer.providerMs);
    }
  } finally {
    await latency.close();
  }
  return { jobsPerSecond, overheadP50: percentile(overheads, 50), overheadP99: percentile(overheads, 99) };
}

/**
 * Peak resident memory with 1,000 jobs waiting, measured in a plain `node` process running the
 * compiled product (see queueMemoryChild.mjs), so the benchmark's own tooling is not counted.
 */
export async function runQueueMemoryBench(queued = 1000): Promise<{ rssBeforeMb: number; peakRssMb: number; heapUsedMb: number; queued: number }> {
  const child = fileURLToPath(new URL('./queueMemoryChild.mjs', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', child, String(queued)]);
  return JSON.parse(stdout) as { rssBeforeMb: number; peakRssMb: number; heapUsedMb: number; queued: number };
}
