import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres, postgresSchemaVersion } from '../../../../src/db/postgres/migrate.js';
import { LATEST_POSTGRES_SCHEMA_VERSION, POSTGRES_MIGRATIONS, type PostgresMigration } from '../../../../src/db/postgres/migrations/index.js';
import { checkPostgres } from '../../../../src/db/postgres/check.js';
import { CreditService } from '../../../../src/core/credits/CreditService.js';
import { ManualClock } from '../../../support/ManualClock.js';
import { JOBS_IN_EVERY_STATUS } from '../jobsInEveryStatus.js';
import { createPostgresPool } from '../../../../src/db/postgres/pool.js';
import { openPostgresStore } from '../../../../src/db/postgres/store.js';
import { ACCOUNT_COLUMNS, INSTANCE_COLUMNS, JOB_COLUMNS, NEW_LEDGER_COLUMNS } from '../../../../src/db/rows.js';
import { createTestDatabase, type TestDatabase } from '../../../support/postgresTest.js';

const opened: { pools: pg.Pool[]; databases: TestDatabase[] } = { pools: [], databases: [] };
afterEach(async () => {
  await Promise.all(opened.pools.splice(0).map((pool) => pool.end()));
  await Promise.all(opened.databases.splice(0).map((database) => database.drop()));
});

/** An empty database (schema) of the test's own, and `count` pools on it, as so many processes. */
async function emptyDatabase(count = 1): Promise<{ url: string; pools: pg.Pool[] }> {
  const database = await createTestDatabase();
  opened.databases.push(database);
  const pools = Array.from({ length: count }, () => createPostgresPool(database.url, { max: 2 }));
  opened.pools.push(...pools);
  return { url: database.url, pools };
}

async function emptyPools(count = 1): Promise<pg.Pool[]> {
  return (await emptyDatabase(count)).pools;
}

async function names(pool: pg.Pool, sql: string): Promise<string[]> {
  return (await pool.query<{ name: string }>(sql)).rows.map((row) => row.name);
}

/** Every step this build knows, as `migratePostgres` reports them. */
const ALL_STEPS = POSTGRES_MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
const LATEST = LATEST_POSTGRES_SCHEMA_VERSION;

/** The CHECK constraints on jobs, by name. */
const checkNames = (pool: pg.Pool) =>
  names(pool, "SELECT conname AS name FROM pg_constraint WHERE conrelid = 'jobs'::regclass AND contype = 'c' ORDER BY 1");

const columnsOf = (pool: pg.Pool, table: string) =>
  names(pool, `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`);

describe('migratePostgres', () => {
  it('creates the whole schema in an empty database, with the columns the shared rows name', async () => {
    const [pool] = await emptyPools();
    expect(await postgresSchemaVersion(pool!)).toBe(0);
    expect(await migratePostgres(pool!)).toEqual({ from: 0, to: LATEST, applied: ALL_STEPS });
    expect(await names(pool!, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")).toEqual([
      'accounts', 'instances', 'jobs', 'ledger', 'schema_migrations', 'settings', 'slots',
    ]);
    expect(await columnsOf(pool!, 'accounts')).toEqual([...ACCOUNT_COLUMNS]);
    expect(await columnsOf(pool!, 'jobs')).toEqual(['seq', ...JOB_COLUMNS]);
    expect(await columnsOf(pool!, 'ledger')).toEqual(['id', ...NEW_LEDGER_COLUMNS]);
    expect(await columnsOf(pool!, 'instances')).toEqual([...INSTANCE_COLUMNS]);
    expect(await columnsOf(pool!, 'slots')).toEqual(['pool', 'job_id', 'owner']);
    expect(await names(pool!, "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY 1")).toEqual([
      'jobs_account', 'jobs_unsettled', 'jobs_unsettled_account', 'ledger_account', 'slots_job', 'slots_owner',
    ]);
    expect((await pool!.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows).toEqual(
      POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
  });

  it('does nothing the second time', async () => {
    const [pool] = await emptyPools();
    await migratePostgres(pool!);
    expect(await migratePostgres(pool!)).toEqual({ from: LATEST, to: LATEST, applied: [] });
  });

  it('applies each step once when several processes migrate at once', async () => {
    const pools = await emptyPools(3);
    const reports = await Promise.all(pools.map((pool) => migratePostgres(pool)));
    expect(reports.flatMap((report) => report.applied).sort()).toEqual(ALL_STEPS);
    expect(reports.map((report) => report.to)).toEqual([LATEST, LATEST, LATEST]);
    expect((await pools[0]!.query('SELECT count(*) AS n FROM schema_migrations')).rows).toEqual([{ n: LATEST }]);
  });

  it('refuses a database a newer build migrated, and so does openPostgresStore', async () => {
    const [pool] = await emptyPools();
    await migratePostgres(pool!);
    await pool!.query(`INSERT INTO schema_migrations (version, name) VALUES (${LATEST + 1}, 'from_the_future')`);
    await expect(migratePostgres(pool!, { location: 'the test database' })).rejects.toMatchObject({
      code: 'db_too_new',
      message: expect.stringMatching(new RegExp(`^the test database has schema version ${LATEST + 1}, but this build .* up to ${LATEST}\\.`)),
    });
    const other = await emptyDatabase();
    await migratePostgres(other.pools[0]!);
    await other.pools[0]!.query(`INSERT INTO schema_migrations (version, name) VALUES (${LATEST + 1}, 'from_the_future')`);
    await expect(openPostgresStore(other.url)).rejects.toMatchObject({ code: 'db_too_new' });
  });

  it('runs each pending step in its own transaction: a failing step changes nothing', async () => {
    const [pool] = await emptyPools();
    const add: PostgresMigration = { version: LATEST + 1, name: 'extra', up: 'CREATE TABLE extra (x integer)' };
    const broken: PostgresMigration = { version: LATEST + 2, name: 'broken', up: 'CREATE TABLE half (x integer); SELECT 1 / 0' };
    await migratePostgres(pool!);
    expect(await migratePostgres(pool!, { migrations: [...POSTGRES_MIGRATIONS, add] })).toEqual({
      from: LATEST,
      to: LATEST + 1,
      applied: [`${String(LATEST + 1).padStart(4, '0')}_extra`],
    });
    await expect(migratePostgres(pool!, { migrations: [...POSTGRES_MIGRATIONS, add, broken] })).rejects.toMatchObject({
      code: 'db_migration_failed',
      message: expect.stringContaining('division by zero'),
    });
    expect(await postgresSchemaVersion(pool!)).toBe(LATEST + 1);
    expect((await pool!.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
  });

  it('2 (routing) keeps every job in every status, its seq, owner and ledger rows, and accepts refused', async () => {
    const { url, pools: [pool] } = await emptyDatabase();
    await migratePostgres(pool!, { migrations: POSTGRES_MIGRATIONS.slice(0, 1) });
    await pool!.query(JOBS_IN_EVERY_STATUS);
    const checksBefore = await checkNames(pool!);
    const jobsBefore = (await pool!.query('SELECT * FROM jobs ORDER BY seq')).rows;
    const ledgerBefore = (await pool!.query('SELECT * FROM ledger ORDER BY id')).rows;
    expect(await migratePostgres(pool!)).toEqual({ from: 1, to: 2, applied: ['0002_routing'] });
    const jobsAfter = (await pool!.query<Record<string, unknown>>('SELECT * FROM jobs ORDER BY seq')).rows;
    expect(jobsAfter.map(({ notice, ...rest }) => (expect(notice).toBeNull(), rest))).toEqual(jobsBefore);
    expect(new Set(jobsAfter.map((job) => job.status))).toEqual(
      new Set(['queued', 'running', 'delivering', 'succeeded', 'failed', 'cancelled', 'interrupted']),
    );
    expect((await pool!.query('SELECT * FROM ledger ORDER BY id')).rows).toEqual(ledgerBefore);
    // The status CHECK was replaced, not added beside the old one; every constraint is validated.
    expect(await checkNames(pool!)).toEqual(checksBefore);
    expect(checksBefore).toContain('jobs_status_check');
    expect(await checkPostgres(pool!)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });

    // Refused is a settled status: it must hold nothing and have finished, and nothing unknown is let in.
    await expect(pool!.query("UPDATE jobs SET status = 'refused' WHERE id = 'q'")).rejects.toMatchObject({ code: '23514' });
    await expect(pool!.query("UPDATE jobs SET status = 'lost', held = 0, finished_at = 9 WHERE id = 'q'")).rejects.toMatchObject({ code: '23514' });
    const store = await openPostgresStore(url);
    try {
      const credits = new CreditService({ store, clock: new ManualClock(50), startingCredits: 0 });
      const refused = await credits.settle('r', { delivered: 0, status: 'refused', errorCode: 'provider_refused', errorMessage: 'No.' });
      expect(refused).toMatchObject({ settled: true, released: 2, captured: 0, job: { status: 'refused', held: 0 }, account: { balance: 94, held: 4 } });
      expect(await store.jobs.find('r')).toMatchObject({ status: 'refused', held: 0, finishedAt: 50, notice: null, owner: 'inst-1' });
      expect((await store.jobs.unsettled()).map((j) => j.id)).toEqual(['q', 'd']);
    } finally {
      await store.close();
    }
    expect(await checkPostgres(pool!)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('refuses migrations that are not numbered 1, 2, 3…', async () => {
    const [pool] = await emptyPools();
    const skipped: PostgresMigration = { version: LATEST + 2, name: 'skipped', up: 'SELECT 1' };
    await expect(migratePostgres(pool!, { migrations: [...POSTGRES_MIGRATIONS, skipped] })).rejects.toMatchObject({ code: 'db_migrations_invalid' });
    expect(await postgresSchemaVersion(pool!)).toBe(0);
  });
});

describe('the PostgreSQL schema', () => {
  async function migrated(): Promise<pg.Pool> {
    const [pool] = await emptyPools();
    await migratePostgres(pool!);
    await pool!.query(`
      INSERT INTO accounts VALUES ('cli:a', 'cli', NULL, 6, 2, 1, 1);
      INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, request, provider, model,
                        unit_cost, cost, held, status, created_at)
        VALUES ('j1', 'k1', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 2, 2, 2, 'queued', 1);
      INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, at) VALUES ('cli:a', 'hold', -2, 2, 'j1', 1);`);
    return pool!;
  }

  it('keeps the ledger append-only', async () => {
    const pool = await migrated();
    for (const sql of ['UPDATE ledger SET delta = -1', 'DELETE FROM ledger', 'TRUNCATE ledger']) {
      await expect(pool.query(sql)).rejects.toThrow('ledger rows are append-only');
    }
    expect((await pool.query('SELECT count(*) AS n FROM ledger')).rows).toEqual([{ n: 1 }]);
  });

  it("carries SQLite's CHECK constraints", async () => {
    const pool = await migrated();
    const job = (values: string) =>
      `INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, request, provider, model, unit_cost, cost, held, captured, status, created_at, finished_at) VALUES ${values}`;
    const refused = [
      "INSERT INTO accounts VALUES ('x:a', 'irc', NULL, 0, 0, 1, 1)",
      "UPDATE accounts SET balance = -1 WHERE key = 'cli:a'",
      "UPDATE accounts SET held = -1 WHERE key = 'cli:a'",
      job("('j2', 'k2', 'cli:a', 'cli', '{}', 'paint', '{}', 'offline', 'm', 1, 1, 1, 0, 'queued', 1, NULL)"),
      job("('j2', 'k2', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 1, 1, 1, 0, 'lost', 1, NULL)"),
      job("('j2', 'k2', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 1, 2, 1, 0, 'running', 1, NULL)"),
      job("('j2', 'k2', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 1, 2, 0, 0, 'succeeded', 1, NULL)"),
      job("('j2', 'k2', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 1, 2, 0, 3, 'succeeded', 1, 2)"),
      "INSERT INTO ledger (account_key, kind, delta, held_delta, at) VALUES ('cli:a', 'grant', 0, 0, 1)",
      "INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, at) VALUES ('cli:a', 'capture', -1, -1, 'j1', 1)",
      "INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, at) VALUES ('cli:a', 'release', 1, 1, 'j1', 1)",
      "INSERT INTO ledger (account_key, kind, delta, held_delta, at) VALUES ('cli:a', 'bonus', 1, 0, 1)",
      "INSERT INTO instances VALUES ('i1', 'daemon', 'h', 1, 1, 1)",
    ];
    for (const sql of refused) await expect(pool.query(sql), sql).rejects.toMatchObject({ code: '23514' });
  });

  it('reads bigint and numeric as numbers, and refuses one a number cannot hold exactly', async () => {
    const pool = await migrated();
    expect((await pool.query('SELECT balance, (SELECT sum(delta) FROM ledger) AS total, count(*) AS n FROM accounts GROUP BY balance')).rows).toEqual([
      { balance: 6, total: -2, n: 1 },
    ]);
    expect((await pool.query('SELECT 9007199254740991::bigint AS max')).rows).toEqual([{ max: Number.MAX_SAFE_INTEGER }]);
    await expect(pool.query('SELECT 9007199254740993::bigint AS over')).rejects.toThrow(/not an integer a JavaScript number holds exactly/);
  });
});
