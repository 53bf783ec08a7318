/**
 * Two connections on one file: BEGIN IMMEDIATE plus busy_timeout means a writer waits for the other
 * instead of failing or working from a stale read, so no credit movement is lost. (With DEFERRED
 * transactions the two-process case dies with SQLITE_BUSY: both read, then neither can upgrade its lock.)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import type { HammerReport } from './fixtures/hammer.worker.js';
import { createHarness, holdInput } from './support.js';

const CLEAN = { integrity: 'ok', invariant: [], jobs: [] };
let dir: string;
const handles: SqliteDatabase[] = [];
const open = (file: string): SqliteDatabase => {
  const db = openDatabase(file);
  handles.push(db);
  return db;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nano-imagine-two-'));
});
afterEach(() => {
  for (const db of handles.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two connections on one file', () => {
  it('see each other’s writes when their operations interleave', async () => {
    const file = join(dir, 'bot.db');
    const a = createHarness(open(file), 50, 'a');
    const b = createHarness(open(file), 50, 'b');
    const key = 'cli:shared';

    for (let i = 0; i < 50; i++) {
      const fromA = await a.credits.hold(holdInput({ accountKey: key, unitCost: 2, idempotencyKey: `a-${i}` }));
      const fromB = await b.credits.hold(holdInput({ accountKey: key, unitCost: 3, idempotencyKey: `b-${i}` }));
      if (!fromA.ok || !fromB.ok) throw new Error('hold refused');
      // Each side settles the job the other connection created, and retries the other's submit.
      expect(await b.credits.hold(holdInput({ accountKey: key, unitCost: 2, idempotencyKey: `a-${i}` }))).toMatchObject({
        duplicate: true,
      });
      await b.credits.settle(fromA.job.id, { delivered: 1, status: 'succeeded' });
      await a.credits.settle(fromB.job.id, { delivered: 0, status: 'failed' });
      expect((await a.credits.settle(fromA.job.id, { delivered: 0, status: 'failed' })).settled).toBe(false);
      await (i % 2 === 0 ? a : b).credits.grant(key, 2, { actor: 'cli:root' });
    }
    // 50 start + 100 granted − 100 captured (2 per round); the failed jobs were released.
    expect(await a.credits.account(key)).toMatchObject({ balance: 50, held: 0 });
    expect(await b.credits.account(key)).toMatchObject({ balance: 50, held: 0 });
    expect(checkDatabase(handles[0]!)).toEqual(CLEAN);
  });

  it('lose no update when two processes write at the same time', async () => {
    const file = join(dir, 'bot.db');
    open(file); // create and migrate once, before the workers race
    const iterations = 300;
    const workers = ['p1', 'p2'].map((name) =>
      fork(fileURLToPath(new URL('./fixtures/hammer.worker.ts', import.meta.url)), [file, name, String(iterations)], {
        execArgv: ['--import', 'tsx'],
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    await Promise.all(workers.map((worker) => nextMessage(worker)));
    for (const worker of workers) worker.send('go');
    const reports = (await Promise.all(workers.map((worker) => nextMessage(worker)))) as HammerReport[];
    await Promise.all(workers.map((worker) => exited(worker)));

    const db = handles[0]!;
    const { credits, jobs: jobService } = createHarness(db);
    for (const key of ['cli:shared', 'cli:p1', 'cli:p2']) {
      const granted = reports.reduce((sum, r) => sum + (r.granted[key] ?? 0), 0);
      const captured = reports.reduce((sum, r) => sum + (r.captured[key] ?? 0), 0);
      expect(await credits.account(key)).toMatchObject({ balance: 50 + granted - captured, held: 0 });
    }
    const jobs = reports.reduce((sum, r) => sum + r.jobs, 0);
    expect(jobs + reports.reduce((sum, r) => sum + r.refused, 0)).toBe(2 * iterations);
    expect(await jobService.history({ limit: 1000 })).toHaveLength(jobs);
    expect(checkDatabase(db)).toEqual(CLEAN);
  });
});

function nextMessage(worker: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`worker exited with ${String(code)} before reporting`));
    worker.once('exit', onExit);
    worker.once('message', (message) => {
      worker.off('exit', onExit);
      resolve(message);
    });
  });
}

function exited(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    if (worker.exitCode !== null) {
      if (worker.exitCode === 0) resolve();
      else reject(new Error(`worker exited with ${worker.exitCode}`));
      return;
    }
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${String(code)}`))));
  });
}
