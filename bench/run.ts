/**
 * `npm run bench`: prints this machine's figures. Targets: ≥ 20,000 hold+capture pairs/s on SQLite
 * (PostgreSQL reported beside it); a 200-job burst over two processes within 5% of what the shared
 * provider key allows, never above its limit; p99
 * engine overhead ≤ 5 ms per job; ≤ 150 MiB RSS with 1,000 queued jobs; Discord ack p99 within 1.5×
 * a defer-only bot and under 1 s; Slack ack against an ack-only Bolt app, reported.
 */
import { cpus, totalmem } from 'node:os';
import { runDiscordAckBench } from './discordAck.js';
import { runEngineBench, runQueueMemoryBench } from './engine.js';
import { runEngineBenches } from './engines.js';
import { runSlackAckBench } from './slackAck.js';
import { ms } from './stats.js';

const line = (label: string, value: string, target?: string) =>
  console.log(`${label.padEnd(44)} ${value.padStart(14)}${target ? `   (target ${target})` : ''}`);

console.log(`nano-imagine bench — node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

// Measured in a child process running the compiled product (npm run bench builds it first).
const memory = await runQueueMemoryBench();
line(`peak RSS with ${memory.queued} queued jobs`, `${memory.peakRssMb.toFixed(1)} MiB`, '≤ 150 MiB');
line('  RSS before queueing', `${memory.rssBeforeMb.toFixed(1)} MiB`);
line('  V8 heap used with the queue full', `${memory.heapUsedMb.toFixed(1)} MiB`);

const engines = await runEngineBenches();
line('ledger hold+capture pairs/s, SQLite file', engines.sqliteLedger.pairsPerSecond.toFixed(0), '≥ 20,000');
line('ledger pairs/s, PostgreSQL, 1 connection', engines.postgresLedger1.pairsPerSecond.toFixed(0));
line('ledger pairs/s, PostgreSQL, pool of 8', engines.postgresLedger8.pairsPerSecond.toFixed(0));
line('  (local server, fsync and synchronous commit on)', '');
for (const [name, scale] of [['SQLite file', engines.sqliteScale], ['PostgreSQL', engines.postgresScale]] as const) {
  line(`${scale.jobs} jobs over 2 processes, ${name}: makespan`, ms(scale.makespanMs));
  line(`  floor: the key's ${scale.limit} slots kept busy`, ms(scale.floorMs));
  line('  makespan within the floor by', `${((scale.makespanMs / scale.floorMs - 1) * 100).toFixed(1)}%`, '≤ 5%');
  line('  most generations at once at the provider', `${scale.peak} of ${scale.limit}`, `≤ ${scale.limit}`);
}

const engine = await runEngineBench();
line('jobs per second (fake provider, 1K outputs)', engine.jobsPerSecond.toFixed(1));
line('engine overhead per job p50', ms(engine.overheadP50));
line('engine overhead per job p99', ms(engine.overheadP99), '≤ 5 ms');

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const discord = await runDiscordAckBench();
line('Discord ack p50 (200 simultaneous /imagine)', ms(discord.p50));
line('Discord ack p99', ms(discord.p99), '≤ 1.5× floor and < 1 s');
line('  floor: discord.js bot that only defers, p50', ms(discord.floorP50));
line('  floor p99', ms(discord.floorP99));
line('  ratio p50 / p99', `${ratio(discord.p50, discord.floorP50)} / ${ratio(discord.p99, discord.floorP99)}`);

const slack = await runSlackAckBench();
line('Slack ack p50 (200 simultaneous /imagine)', ms(slack.p50));
line('Slack ack p99', ms(slack.p99));
line('  floor: Bolt app that only acks, p50', ms(slack.floorP50));
line('  floor p99', ms(slack.floorP99));
line('  ratio p50 / p99', `${ratio(slack.p50, slack.floorP50)} / ${ratio(slack.p99, slack.floorP99)}`);
