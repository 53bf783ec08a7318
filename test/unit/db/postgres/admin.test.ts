import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/core/errors.js';
import { postgresAdmin } from '../../../../src/db/postgres/admin.js';
import { postgresLocation } from '../../../../src/db/postgres/location.js';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../../../src/db/postgres/migrations/index.js';
import { openPostgresStore, type PostgresStore } from '../../../../src/db/postgres/store.js';
import { captureLogger } from '../../../support/logCapture.js';
import { createTestDatabase } from '../../../support/postgresTest.js';
import { account, ALICE, grant, job } from '../storeFixtures.js';
import { openTestStore, type TestStore } from './support.js';

let test: TestStore | undefined;
let store: PostgresStore;
afterEach(async () => {
  await test?.cleanup();
  test = undefined;
});

async function open(): Promise<TestStore> {
  test = await openTestStore({ maxConnections: 2 });
  store = test.store;
  return test;
}

/** Alice granted 10, a settled job (4 held: 2 captured, 2 released) and a queued one holding 3: 5 left. */
async function healthyHistory(): Promise<void> {
  await store.accounts.insert(account(ALICE, { balance: 5, held: 3 }));
  await store.ledger.append(grant(ALICE, 10));
  const movement = (kind: 'hold' | 'capture' | 'release', jobId: string, delta: number, heldDelta: number) =>
    store.ledger.append({ accountKey: ALICE, kind, delta, heldDelta, jobId, actor: null, reason: null, at: 3 });
  await store.jobs.insert(job('settled', { unitCost: 2, cost: 4, held: 4 }));
  await movement('hold', 'settled', -4, 4);
  await store.jobs.settle('settled', { status: 'succeeded', captured: 2, errorCode: null, errorMessage: null, outputs: [], finishedAt: 4 });
  await movement('capture', 'settled', 0, -2);
  await movement('release', 'settled', 2, -2);
  await store.jobs.insert(job('queued', { unitCost: 3, cost: 3, held: 3 }));
  await movement('hold', 'queued', -3, 3);
}

/** The AppError a promise rejects with. */
async function refused(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('postgresAdmin.check', () => {
  it('passes a database whose rows add up', async () => {
    await open();
    await healthyHistory();
    expect(await postgresAdmin(store).check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('names an account whose balance disagrees with its ledger or its jobs', async () => {
    await open();
    await healthyHistory();
    await store.pool.query('UPDATE accounts SET balance = balance + 1, held = 0 WHERE key = $1', [ALICE]);
    expect((await postgresAdmin(store).check()).invariant).toEqual([
      { accountKey: ALICE, balance: 6, held: 0, ledgerDelta: 5, ledgerHeldDelta: 3, jobsHeld: 3 },
    ]);
  });

  it('names a job whose ledger rows disagree with it', async () => {
    await open();
    await healthyHistory();
    await store.ledger.append({ accountKey: ALICE, kind: 'release', delta: 3, heldDelta: -3, jobId: 'queued', actor: null, reason: null, at: 5 });
    expect((await postgresAdmin(store).check()).jobs).toEqual([
      { jobId: 'queued', accountKey: ALICE, status: 'queued', cost: 3, held: 3, captured: 0, ledgerHeld: 3, ledgerCaptured: 0, ledgerReleased: 3 },
    ]);
  });

  it('finds rows written with the triggers off, and the triggers left off', async () => {
    await open();
    await healthyHistory();
    await store.pool.query('ALTER TABLE ledger DISABLE TRIGGER ALL');
    await store.pool.query("INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, at) VALUES ($1, 'release', 5, -5, 'ghost', 6)", [ALICE]);
    await store.pool.query('UPDATE ledger SET delta = delta + 1 WHERE kind = $1', ['grant']);
    const check = await postgresAdmin(store).check();
    expect(check.integrity).toEqual([
      'the ledger trigger ledger_no_update is disabled: ledger rows can be changed or removed',
      'the ledger trigger ledger_no_delete is disabled: ledger rows can be changed or removed',
      'the ledger trigger ledger_no_truncate is disabled: ledger rows can be changed or removed',
      '1 ledger row(s) refer to a missing jobs row (ledger_job_id_fkey)',
    ]);
    expect(check.invariant).toEqual([expect.objectContaining({ accountKey: ALICE, balance: 5, ledgerDelta: 11, ledgerHeldDelta: -2 })]);
    await store.pool.query('ALTER TABLE ledger ENABLE TRIGGER ALL');
  });

  it('reports a constraint added without validating old rows, and a missing trigger', async () => {
    await open();
    await store.pool.query('ALTER TABLE accounts ADD CONSTRAINT small_balances CHECK (balance < 1000) NOT VALID');
    await store.pool.query('DROP TRIGGER ledger_no_truncate ON ledger');
    expect((await postgresAdmin(store).check()).integrity).toEqual([
      'the ledger trigger ledger_no_truncate is missing: ledger rows can be changed or removed',
      'the constraint small_balances on accounts is not validated: older rows may break it',
    ]);
  });
});

describe('postgresAdmin', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-admin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the database without its password, and says whether it is open', async () => {
    const { url } = await open();
    const admin = postgresAdmin(store);
    expect(admin).toMatchObject({ engine: 'postgres', location: postgresLocation(url) });
    expect(await admin.schemaVersion()).toBe(LATEST_POSTGRES_SCHEMA_VERSION);
    expect(admin.isOpen()).toBe(true);
    await store.close();
    expect(admin.isOpen()).toBe(false);
  });

  it('refuses to back up, giving the pg_dump command to run instead', async () => {
    const { url } = await open();
    const file = join(dir, 'nano.dump');
    const refusal = await refused(postgresAdmin(store).backup(file));
    expect(refusal).toMatchObject({ code: 'db_backup_refused' });
    const { message } = refusal;
    expect(message).toContain(`pg_dump --format=custom --file=${file} '${postgresLocation(url)}'`);
    expect(message).toContain('pg_restore');
  });

  it('refuses output only where no file can be written', async () => {
    await open();
    const admin = postgresAdmin(store);
    expect(admin.outputRefusal(join(dir, 'image.png'))).toBeUndefined();
    expect(admin.outputRefusal(dir)).toMatch(/is a directory/);
    expect(admin.outputRefusal(join(dir, 'missing', 'image.png'))).toMatch(/does not exist/);
  });
});

describe('the password in the URL', () => {
  it('is removed from the location, in the userinfo and the query string', () => {
    expect(postgresLocation('postgresql://nano:s3cret@db.example:5432/nano?sslmode=require&password=s3cret')).toBe(
      'postgresql://nano@db.example:5432/nano?sslmode=require',
    );
    expect(postgresLocation('not a url s3cret')).not.toContain('s3cret');
  });

  it('is never logged, nor in the admin’s messages', async () => {
    // The test server trusts every local connection, so any password is accepted and ignored.
    const secret = 'hunter2-very-secret';
    const database = await createTestDatabase();
    const url = new URL(database.url);
    url.password = secret;
    const { logger, text } = captureLogger();
    const opened = await openPostgresStore(url.toString(), { logger });
    try {
      const admin = postgresAdmin(opened);
      const refusal = await refused(admin.backup(join(tmpdir(), 'nano.dump')));
      expect(text()).toContain('PostgreSQL schema migrated');
      expect(`${text()} ${admin.location} ${refusal.message}`).not.toContain(secret);
    } finally {
      await opened.close();
      await database.drop();
    }
  });
});
