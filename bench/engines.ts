import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/openStore.js';
import { openPostgresStore } from '../src/db/postgres/store.js';
import { startPostgres } from '../test/support/postgres.js';
import { runScaleOutBench } from './scaleOut.js';
import { runStoreLedgerBench } from './storeLedger.js';

type Ledger = Awaited<ReturnType<typeof runStoreLedgerBench>>;
type Scale = Awaited<ReturnType<typeof runScaleOutBench>>;

/** The figures of both store engines, measured in one run on this machine. */
export interface EngineFigures {
  readonly sqliteLedger: Ledger;
  readonly postgresLedger1: Ledger;
  readonly postgresLedger8: Ledger;
  readonly sqliteScale: Scale;
  readonly postgresScale: Scale;
}

/**
 * Ledger throughput on a SQLite file and on a local PostgreSQL server started for the run, with
 * PostgreSQL's durable defaults (fsync and synchronous commit on, as an operator's server has them):
 * one connection, and a pool of 8 with 8 pairs at once. Then the two-process burst on each engine.
 */
export async function runEngineBenches(): Promise<EngineFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ni-bench-engines-'));
  const postgres = await startPostgres({ durable: true });
  try {
    const sqlite = await openStore({ databasePath: join(dir, 'ledger.db'), databaseUrl: undefined, spoolDir: undefined });
    const sqliteLedger = await runStoreLedgerBench(sqlite.store);
    await sqlite.store.close();

    const one = await openPostgresStore(await postgres.createDatabase(), { maxConnections: 1 });
    const postgresLedger1 = await runStoreLedgerBench(one, { pairs: 3000 });
    await one.close();
    const eight = await openPostgresStore(await postgres.createDatabase(), { maxConnections: 8 });
    const postgresLedger8 = await runStoreLedgerBench(eight, { pairs: 6000, workers: 8 });
    await eight.close();

    const sqliteScale = await runScaleOutBench({ DATABASE_PATH: join(dir, 'scale.db') });
    const postgresScale = await runScaleOutBench({ DATABASE_URL: await postgres.createDatabase(), SPOOL_DIR: join(dir, 'spool') });
    return { sqliteLedger, postgresLedger1, postgresLedger8, sqliteScale, postgresScale };
  } finally {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
