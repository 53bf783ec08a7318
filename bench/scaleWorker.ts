/**
 * One of the processes of the scale-out benchmark: the real core on the shared database (from the
 * environment), submitting `JOBS` jobs at once for many accounts and confirming every delivery, as
 * a chat adapter would. Prints `done` when all have settled.
 */
import pino from 'pino';
import { createCore } from '../src/app/createCore.js';
import { parseConfig } from '../src/config.js';

const jobs = Number(process.env.JOBS ?? 100);
const name = process.env.WORKER ?? 'w';
const core = await createCore(parseConfig(process.env), { logger: pino({ level: 'silent' }) });
const settled: Promise<void>[] = [];
for (let i = 0; i < jobs; i++) {
  settled.push(
    new Promise<void>((resolve, reject) => {
      void core.generation
        .submit(
          {
            idempotencyKey: `${name}-${i}`,
            accountKey: `cli:${name}${i % 50}`,
            platform: 'cli',
            destination: {},
            kind: 'imagine',
            prompt: `bench ${i}`,
            options: { resolution: '1K' },
            references: [],
          },
          (event) => {
            if (event.type === 'ready') event.delivery.confirm(event.images.length);
            else if (event.type === 'succeeded') resolve();
            else if (event.type === 'failed') reject(new Error(event.message));
          },
        )
        .then((outcome) => {
          if (!outcome.ok) reject(new Error(outcome.refusal.message));
        }, reject);
    }),
  );
}
await Promise.all(settled);
await core.generation.shutdown(0);
await core.close();
process.stdout.write('done\n');
