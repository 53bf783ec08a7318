import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { createHarness, holdInput } from '../credits/support.js';

let db: SqliteDatabase;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

describe('checkDatabase', () => {
  it('passes a database the credit service wrote', async () => {
    const { credits } = createHarness(db);
    await credits.grant('cli:alice', 10, { actor: 'cli:root' });
    const held = await credits.hold(holdInput({ unitCost: 3, count: 2 }));
    await credits.hold(holdInput({ unitCost: 5 }));
    if (held.ok) await credits.settle(held.job.id, { delivered: 1, status: 'succeeded' });
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('names an account whose balance disagrees with its ledger or its jobs', async () => {
    const { credits } = createHarness(db);
    await credits.hold(holdInput({ unitCost: 4 }));
    // Simulate damage done outside the service.
    db.prepare("UPDATE accounts SET balance = balance + 1, held = 0 WHERE key = 'cli:alice'").run();
    expect(checkDatabase(db).invariant).toEqual([
      { accountKey: 'cli:alice', balance: 47, held: 0, ledgerDelta: 46, ledgerHeldDelta: 4, jobsHeld: 4 },
    ]);
  });

  it('names a job whose ledger rows disagree with it', async () => {
    const { credits } = createHarness(db);
    const held = await credits.hold(holdInput({ unitCost: 4 }));
    if (!held.ok) throw new Error('hold refused');
    db.prepare(
      "INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, at) VALUES ('cli:alice', 'release', 4, -4, ?, 0)",
    ).run(held.job.id);
    expect(checkDatabase(db).jobs).toEqual([
      expect.objectContaining({ jobId: held.job.id, status: 'queued', held: 4, ledgerHeld: 4, ledgerReleased: 4 }),
    ]);
  });
});
