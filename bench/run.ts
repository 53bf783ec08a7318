/**
 * `npm run bench`: prints this machine's figures. Targets (issue list): ≥ 20,000 hold+capture
 * pairs/s; p99 engine overhead ≤ 5 ms per job; ≤ 150 MB RSS with 1,000 queued jobs.
 */
import { cpus, totalmem } from 'node:os';
import { runEngineBench, runQueueMemoryBench } from './engine.js';
import { runLedgerBench } from './ledger.js';
import { ms } from './stats.js';

const line = (label: string, value: string, target?: string) =>
  console.log(`${label.padEnd(44)} ${value.padStart(14)}${target ? `   (target ${target})` : ''}`);

console.log(`nano-imagine bench — node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

// Measured in a child process running the compiled product (npm run bench builds it first).
const memory = await runQueueMemoryBench();
line(`peak RSS with ${memory.queued} queued jobs`, `${memory.peakRssMb.toFixed(1)} MB`, '≤ 150 MB');
line('  RSS before queueing', `${memory.rssBeforeMb.toFixed(1)} MB`);
line('  V8 heap used with the queue full', `${memory.heapUsedMb.toFixed(1)} MB`);

const ledger = runLedgerBench();
line('ledger hold+capture pairs per second', ledger.pairsPerSecond.toFixed(0), '≥ 20,000');

const engine = await runEngineBench();
line('jobs per second (fake provider, 1K outputs)', engine.jobsPerSecond.toFixed(1));
line('engine overhead per job p50', ms(engine.overheadP50));
line('engine overhead per job p99', ms(engine.overheadP99), '≤ 5 ms');
