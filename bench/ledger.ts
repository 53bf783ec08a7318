import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { CreditService } from '../src/core/credits/CreditService.js';
import { openDatabase } from '../src/db/sqlite/open.js';
import { createSqliteStore } from '../src/db/sqlite/store.js';
import { percentile } from './stats.js';

const median = (sample: readonly number[]): number => percentile(sample, 50);

/**
 * Hold + capture pairs per second on a real SQLite file, opened as the bot opens it (WAL,
 * synchronous=NORMAL, the same pragmas and migrations): each pair is two transactions, exactly what
 * one successful job costs the ledger, through the real CreditService.
 *
 * The pairs run in `rounds` equal rounds on the same, growing file and the result is the median
 * round: on a shared machine another process's burst then shows up as one slow round instead of
 * dragging the whole figure down.
 */
export async function runLedgerBench(
  pairs = 20_000,
  rounds = 5,
): Promise<{ pairsPerSecond: number; pairs: number; roundsPerSecond: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ni-bench-ledger-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const credits = new CreditService({ store: createSqliteStore(db), clock: systemClock, startingCredits: 1_000_000_000 });
    const accounts = Array.from({ length: 100 }, (_, i) => `cli:user${i}`);
    const request = { prompt: 'bench', model: 'offline-preview', aspectRatio: '1:1', resolution: '1K' as const, count: 1, references: [] };
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
    for (let i = 0; i < 500; i++) await pair(-1 - i); // warm up statements and pages
    const perRound = Math.ceil(pairs / rounds);
    const roundsPerSecond: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const started = process.hrtime.bigint();
      for (let i = r * perRound; i < (r + 1) * perRound; i++) await pair(i);
      roundsPerSecond.push(perRound / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    return { pairs: perRound * rounds, pairsPerSecond: median(roundsPerSecond), roundsPerSecond };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
