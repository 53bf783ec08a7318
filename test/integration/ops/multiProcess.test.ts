import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/jobWorker.ts', import.meta.url));

describe('several processes on one SQLite file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lose no update and keep the ledger invariant', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-multi-'));
    const dbPath = join(dir, 'shared.db');
    // Create the schema first so the workers do not race on the first migration.
    openDatabase(dbPath).close();
    const outputs = await Promise.all(
      ['a', 'b'].map((name) => run(process.execPath, ['--import', 'tsx', worker, dbPath, name, '40'], { timeout: 60_000 })),
    );
    const totals = outputs.map((o) => JSON.parse(o.stdout) as { captured: number; granted: number });
    const captured = totals.reduce((n, t) => n + t.captured, 0);
    const granted = totals.reduce((n, t) => n + t.granted, 0);
    expect(captured).toBe(2 * (20 * 1 + 20 * 2));

    const db = openDatabase(dbPath);
    try {
      expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
      const sum = db.prepare('SELECT count(*) AS accounts, sum(balance) AS balance, sum(held) AS held FROM accounts').get() as {
        accounts: number;
        balance: number;
        held: number;
      };
      expect(sum).toEqual({ accounts: 4, balance: 4 * 1000 + granted - captured, held: 0 });
      const jobs = db.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'succeeded'").get() as { n: number };
      expect(jobs.n).toBe(80);
    } finally {
      db.close();
    }
  });
});
