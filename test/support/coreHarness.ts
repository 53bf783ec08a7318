import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreDeps } from '../../src/app/createCore.js';
import { parseConfig } from '../../src/config.js';
import type { GenerationIntent, JobEvent } from '../../src/core/generation/types.js';
import { noDelayRetryPolicy } from '../../src/core/providers/retry.js';
import { captureLogger } from './logCapture.js';

export interface Harness {
  readonly core: Core;
  readonly logs: () => string;
  readonly dbPath: string;
  close(): Promise<void>;
}

/** A whole core on a temp SQLite file, configured from an environment like the real process. */
export async function startCore(
  env: Record<string, string>,
  deps: Partial<CoreDeps> = {},
  dir = mkdtempSync(join(tmpdir(), 'ni-core-')),
): Promise<Harness> {
  const dbPath = join(dir, 'test.db');
  const config = parseConfig({ DATABASE_PATH: dbPath, ...env });
  const secrets = config.providers.flatMap((p) => (p.id === 'offline' ? [] : p.apiKeys));
  const { logger, text } = captureLogger(secrets);
  const core = await createCore(config, { logger, retryPolicy: noDelayRetryPolicy, ...deps });
  let closed = false;
  return {
    core,
    logs: text,
    dbPath,
    async close() {
      if (closed) return;
      closed = true;
      await core.generation.shutdown(0);
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** An intent with sensible defaults for tests. */
export function intent(overrides: Partial<GenerationIntent> = {}): GenerationIntent {
  counter += 1;
  return {
    idempotencyKey: `test-${process.pid}-${counter}`,
    accountKey: 'cli:alice',
    platform: 'cli',
    destination: { test: true },
    kind: 'imagine',
    prompt: 'a koi pond at dawn',
    options: {},
    references: [],
    ...overrides,
  };
}

type Ready = Extract<JobEvent, { type: 'ready' }>;

/**
 * Submits and resolves with the job's final event, every event seen and the images it produced.
 * @param deliver - answers the `ready` event, as an adapter would after posting; by default every
 *   image is confirmed delivered.
 */
export function submitAndWait(
  core: Core,
  i: GenerationIntent,
  deliver: (event: Ready) => void = (event) => event.delivery.confirm(event.images.length),
): Promise<{ final: JobEvent; events: JobEvent[]; images: Ready['images'] }> {
  return new Promise((resolve, reject) => {
    const events: JobEvent[] = [];
    let images: Ready['images'] = [];
    const submitted = core.generation.submit(i, (event) => {
      events.push(event);
      if (event.type === 'ready') {
        images = event.images;
        deliver(event);
      }
      if (event.type === 'succeeded' || event.type === 'failed') resolve({ final: event, events, images });
    });
    submitted.then(
      (outcome) => {
        if (!outcome.ok) reject(new Error(`refused: ${outcome.refusal.code}: ${outcome.refusal.message}`));
      },
      reject,
    );
  });
}
