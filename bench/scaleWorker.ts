/**
 * One of the processes of the scale-out benchmark: the real core on the shared database (from the
 * environment), submitting `JOBS` jobs at once for many accounts and confirming every delivery, as
 * a chat adapter would. Prints `done` when all have settled.
 */
import pino from 'pino';
import { createCore } from '../src/app/createCore.js';
import { parseConfig } from '../src/config.js';
import { runJob } from './runJob.js';

const jobs = Number(process.env.JOBS ?? 100);
const name = process.env.WORKER ?? 'w';
const core = await createCore(parseConfig(process.env), { logger: pino({ level: 'silent' }) });
const settled: Promise<void>[] = [];
for (let i = 0; i < jobs; i++) {
  settled.push(
    runJob(core, {
      idempotencyKey: `${name}-${i}`,
      accountKey: `cli:${name}${i % 50}`,
      platform: 'cli',
      destination: {},
      kind: 'imagine',
      prompt: `bench ${i}`,
      options: { resolution: '1K' },
      references: [],
    }),
  );
}
await Promise.all(settled);
await core.generation.shutdown(0);
await core.close();
process.stdout.write('done\n');
