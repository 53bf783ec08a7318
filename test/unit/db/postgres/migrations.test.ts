import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres, postgresSchemaVersion } from '../../../../src/db/postgres/migrate.js';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from '../../../../src/db/postgres/migrations/index.js';
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

const columnsOf = (pool: pg.Pool, table: string) =>
  names(pool, `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`);

describe('migratePostgres', () => {
  it('creates the whole schema in an empty database, with the columns the shared rows name', async () => {
    const [pool] = await emptyPools();
    expect(await postgresSchemaVersion(pool!)).toBe(0);
    expect(await migratePostgres(pool!)).toEqual({ from: 0, to: 1, applied: ['0001_init'] });
    expect(await names(pool!, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")).toEqual([
      'accounts', 'instances', 'jobs', 'ledger', 'schema_migrations', 'settings', 'slots',
    ]);
    expect(await columnsOf(pool!, 'accounts')).toEqual([...ACCOUNT_COLUMNS]);
    expect(await columnsOf(pool!, 'jobs')).toEqual(['seq', ...JOB_COLUMNS]);
    expect(await columnsOf(pool!, 'ledger')).toEqual(['id', ...NEW_LEDGER_COLUMNS]);
    expect(await columnsOf(pool!, 'instances')).toEqual([...INSTANCE_COLUMNS]);
    expect(await columnsOf(pool!, 'slots')).toEqual(['pool', 'job_id', 'owner']);
    expect(await names(pool!, "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY 1")).toEqual([
      'jobs_account', 'jobs_unsettled', 'ledger_account', 'slots_job', 'slots_owner',
    ]);
    expect((await pool!.query('SELECT version, name FROM schema_migrations')).rows).toEqual([{ version: 1, name: 'init' }]);
  });

  it('does nothing the second time', async () => {
    const [pool] = await emptyPools();
    await migratePostgres(pool!);
    expect(await migratePostgres(pool!)).toEqual({ from: 1, to: 1, applied: [] });
  });

  it('applies each step once when several processes migrate at once', async () => {
    const pools = await emptyPools(3);
    const reports = await Promise.all(pools.map((pool) => migratePostgres(pool)));
    expect(reports.flatMap((report) => report.applied)).toEqual(['0001_init']);
    expect(reports.map((report) => report.to)).toEqual([1, 1, 1]);
    expect((await pools[0]!.query('SELECT count(*) AS n FROM schema_migrations')).rows).toEqual([{ n: 1 }]);
  });

  it('refuses a database a newer build migrated, and so does openPostgresStore', async () => {
    const [pool] = await emptyPools();
    await migratePostgres(pool!);
    await pool!.query("INSERT INTO schema_migrations (version, name) VALUES (2, 'from_the_future')");
    await expect(migratePostgres(pool!, { location: 'the test database' })).rejects.toMatchObject({
      code: 'db_too_new',
      message: expect.stringMatching(/^the test database has schema version 2, but this build .* up to 1\./),
    });
    const other = await emptyDatabase();
    await migratePostgres(other.pools[0]!);
    await other.pools[0]!.query("INSERT INTO schema_migrations (version, name) VALUES (2, 'from_the_future')");
    await expect(openPostgresStore(other.url)).rejects.toMatchObject({ code: 'db_too_new' });
  });

  it('runs each pending step in its own transaction: a failing step changes nothing', async () => {
    const [pool] = await emptyPools();
    const add: PostgresMigration = { version: 2, name: 'extra', up: 'CREATE TABLE extra (x integer)' };
    const broken: PostgresMigration = { version: 3, name: 'broken', up: 'CREATE TABLE half (x integer); SELECT 1 / 0' };
    await migratePostgres(pool!);
    expect(await migratePostgres(pool!, { migrations: [...POSTGRES_MIGRATIONS, add] })).toEqual({ from: 1, to: 2, applied: ['0002_extra'] });
    await expect(migratePostgres(pool!, { migrations: [...POSTGRES_MIGRATIONS, add, broken] })).rejects.toMatchObject({
      code: 'db_migration_failed',
      message: expect.stringContaining('division by zero'),
    });
    expect(await postgresSchemaVersion(pool!)).toBe(2);
    expect((await pool!.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
  });

  it('refuses migrations that are not numbered 1, 2, 3…', async () => {
    const [pool] = await emptyPools();
    const skipped: PostgresMigration = { version: 3, name: 'skipped', up: 'SELECT 1' };
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
