// Measures the product's resident memory with N jobs queued, in a plain `node` process running the
// compiled code (dist/), as production runs it. The provider is a local server that never answers,
// so the first job runs forever and the rest wait (nbpro free plan: one job at a time).
// Prints one JSON line: { rssBeforeMb, peakRssMb, heapUsedMb, queued }.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createCore } from '../dist/app/createCore.js';
import { parseConfig } from '../dist/config.js';

const queued = Number(process.argv[2] ?? 1000);
const sockets = new Set();
let arrived;
const firstCall = new Promise((resolve) => (arrived = resolve));
const server = createServer(() => arrived());
server.on('connection', (s) => sockets.add(s));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const dir = mkdtempSync(join(tmpdir(), 'ni-bench-mem-'));
const config = parseConfig({
  NBPRO_API_KEY: 'sk-bench-key-0000',
  NBPRO_BASE_URL: `http://127.0.0.1:${server.address().port}`,
  NBPRO_PLAN: 'free',
  QUEUE_LIMIT: String(queued + 10),
  DATABASE_PATH: join(dir, 'bench.db'),
});
const core = await createCore(config, { logger: pino({ level: 'silent' }) });
globalThis.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
for (let i = 0; i <= queued; i++) {
  const outcome = await core.generation.submit({
    idempotencyKey: `mem-${i}`,
    accountKey: `cli:user${i}`,
    platform: 'cli',
    destination: { channelId: '123456789012345678', interactionToken: 'x'.repeat(200) },
    kind: 'imagine',
    prompt: 'a koi pond at dawn, watercolour, soft morning light over the water',
    options: { aspectRatio: '16:9', resolution: '2K' },
    references: [],
  });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
await firstCall;
peak = Math.max(peak, process.memoryUsage().rss);
if (core.generation.queueDepth !== queued) throw new Error(`expected ${queued} queued, saw ${core.generation.queueDepth}`);
const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
process.stdout.write(`${JSON.stringify({ rssBeforeMb: before / 2 ** 20, peakRssMb: peak / 2 ** 20, heapUsedMb, queued })}\n`);
for (const s of sockets) s.destroy();
server.close();
await core.generation.shutdown(0);
await core.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
