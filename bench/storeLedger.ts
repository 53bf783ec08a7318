import { systemClock } from '../src/core/clock.js';
import { CreditService } from '../src/core/credits/CreditService.js';
import type { Store } from '../src/core/storePorts.js';
import { percentile } from './stats.js';

const request = { prompt: 'bench', model: 'offline-preview', aspectRatio: '1:1', resolution: '1K' as const, count: 1, references: [] };

/**
 * Hold + capture pairs per second on a store, through the real CreditService: each pair is two
 * transactions, exactly what one successful job costs the ledger. `workers` pairs run at once (one
 * per connection of a pool; 1 on SQLite, whose transactions take the file's write lock in turn).
 * The pairs run in `rounds` equal rounds and the result is the median round, so that another
 * process's burst on a shared machine shows as one slow round.
 */
export async function runStoreLedgerBench(
  store: Store,
  options: { pairs?: number; rounds?: number; workers?: number } = {},
): Promise<{ pairsPerSecond: number; pairs: number; roundsPerSecond: number[] }> {
  const pairs = options.pairs ?? 20_000;
  const rounds = options.rounds ?? 5;
  const workers = options.workers ?? 1;
  const credits = new CreditService({ store, clock: systemClock, startingCredits: 1_000_000_000 });
  const accounts = Array.from({ length: 100 }, (_, i) => `cli:user${i}`);
  const pair = async (i: number): Promise<void> => {
    const held = await credits.hold({
      idempotencyKey: `bench-${i}`,
      accountKey: accounts[Math.abs(i) % accounts.length]!,
      destination: {},
      kind: 'imagine',
      request,
      provider: 'offline',
      model: 'offline-preview',
      unitCost: 1,
      cost: 1,
    });
    if (!held.ok) throw new Error('hold refused');
    await credits.settle(held.job.id, { delivered: 1, status: 'succeeded' });
  };
  // Each worker takes the next index: the workers share the accounts, as concurrent jobs do.
  const runRange = async (from: number, to: number): Promise<void> => {
    let next = from;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < to) await pair(next++);
      }),
    );
  };
  await runRange(-1000, -500); // warm up statements, pages and connections
  const perRound = Math.ceil(pairs / rounds);
  const roundsPerSecond: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    await runRange(r * perRound, (r + 1) * perRound);
    roundsPerSecond.push(perRound / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return { pairs: perRound * rounds, pairsPerSecond: percentile(roundsPerSecond, 50), roundsPerSecond };
}
