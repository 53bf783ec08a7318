import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { accountSql } from '../../../src/db/sqlite/AccountRepository.js';
import { jobSql } from '../../../src/db/sqlite/JobRepository.js';
import { instanceSql } from '../../../src/db/sqlite/InstanceRepository.js';
import { ledgerSql } from '../../../src/db/sqlite/LedgerRepository.js';
import { migrate, schemaVersion } from '../../../src/db/sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../../src/db/sqlite/migrations/index.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { slotSql } from '../../../src/db/sqlite/SlotRepository.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { CreditService } from '../../../src/core/credits/CreditService.js';
import { JOB_COLUMNS } from '../../../src/db/rows.js';
import { ManualClock } from '../../support/ManualClock.js';
import { JOBS_IN_EVERY_STATUS } from './jobsInEveryStatus.js';

const handles: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of handles.splice(0)) db.close();
});

/** A bare connection, as openDatabase would hand to migrate(), but with nothing applied yet. */
function bare(): SqliteDatabase {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  handles.push(db);
  return db;
}

function columnsOf(db: SqliteDatabase, table: string): string[] {
  return db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name);
}

function indexesOf(db: SqliteDatabase): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    .all()
    .map((row) => row.name);
}

function tables(db: SqliteDatabase): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((row) => row.name);
}

/** What each migration must leave behind, checked on a database migrated from the version before. */
const AFTER: Record<number, (db: SqliteDatabase) => void> = {
  1: (db) => {
    expect(tables(db)).toEqual(['accounts', 'jobs', 'ledger', 'settings']);
    const indexes = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual(['jobs_account', 'jobs_unsettled', 'ledger_account']);
  },
  2: (db) => {
    expect(tables(db)).toEqual(['accounts', 'jobs', 'ledger', 'settings']);
    const columns = db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'jobs\')').all().map((c) => c.name);
    expect(columns).toContain('lease_until');
    const unsettled = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE name = 'jobs_unsettled'").get()!;
    expect(unsettled.sql).toContain("'delivering'");
    // Foreign keys are back on after the rebuild.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  },
  3: (db) => {
    expect(tables(db)).toEqual(['accounts', 'instances', 'jobs', 'ledger', 'settings', 'slots']);
    expect(columnsOf(db, 'instances')).toEqual(['id', 'role', 'host', 'pid', 'started_at', 'lease_until']);
    expect(columnsOf(db, 'slots')).toEqual(['pool', 'job_id', 'owner']);
    const jobs = columnsOf(db, 'jobs');
    expect(jobs).toContain('owner');
    expect(jobs).not.toContain('lease_until');
    expect(indexesOf(db)).toEqual(['jobs_account', 'jobs_unsettled', 'jobs_unsettled_account', 'ledger_account', 'slots_job', 'slots_owner']);
    // An instance is a bot or a CLI run; a slot belongs to a registered instance and goes with it.
    expect(() => db.prepare("INSERT INTO instances VALUES ('i', 'web', 'h', 1, 0, 0)").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO slots VALUES ('p', 'j', 'nobody')").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO instances VALUES ('i', 'bot', 'h', 1, 0, 0)").run();
    db.prepare("INSERT INTO slots VALUES ('p', 'j', 'i')").run();
    db.prepare("DELETE FROM instances WHERE id = 'i'").run();
    expect(db.prepare('SELECT count(*) AS n FROM slots').get()).toEqual({ n: 0 });
  },
  4: (db) => {
    expect(tables(db)).toEqual(['accounts', 'instances', 'jobs', 'ledger', 'settings', 'slots']);
    expect(columnsOf(db, 'jobs')).toEqual([...JOB_COLUMNS]);
    // The rebuilt table has the indexes 0001–0003 made, word for word: the partial ones' WHERE is
    // what lets the queries that repeat it use them.
    const v3 = bare();
    migrate(v3, MIGRATIONS.slice(0, 3));
    expect(jobIndexSql(db)).toEqual(jobIndexSql(v3));
    expect(indexesOf(db)).toEqual(indexesOf(v3));
    // The ledger still refers to the (renamed) jobs table, and foreign keys are back on.
    expect((db.pragma('foreign_key_list(ledger)') as { table: string }[]).map((key) => key.table).sort()).toEqual(['accounts', 'jobs']);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  },
};

/** The jobs table's indexes as SQLite keeps their definitions (those a UNIQUE made have none). */
function jobIndexSql(db: SqliteDatabase): { name: string; sql: string | null }[] {
  return db.prepare<[], { name: string; sql: string | null }>("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name").all();
}

/** A version-1 database with an account, a settled job, a running job and their ledger rows. */
function versionOneWithJobs(): SqliteDatabase {
  const db = bare();
  migrate(db, MIGRATIONS.slice(0, 1));
  db.exec(`
    INSERT INTO accounts VALUES ('cli:a', 'cli', NULL, 6, 2, 1, 1);
    INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, request, provider, model,
                      unit_cost, cost, held, captured, status, outputs, created_at, finished_at)
      VALUES ('j1', 'k1', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 2, 2, 0, 2, 'succeeded', '[]', 1, 2),
             ('j2', 'k2', 'cli:a', 'cli', '{}', 'imagine', '{}', 'offline', 'm', 2, 2, 2, 0, 'running', '[]', 3, NULL);
    INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, actor, at) VALUES
      ('cli:a', 'starting', 10, 0, NULL, 'system', 1),
      ('cli:a', 'hold', -2, 2, 'j1', 'cli:a', 1),
      ('cli:a', 'capture', 0, -2, 'j1', 'system', 2),
      ('cli:a', 'hold', -2, 2, 'j2', 'cli:a', 3);
  `);
  return db;
}

describe('migrations', () => {
  it('are numbered 1…N and each one has a check below', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(Object.keys(AFTER).map(Number)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it.each(MIGRATIONS.map((m) => [m.version, m.name] as const))('%i (%s) applies on a database at the version before', (version, name) => {
    const db = bare();
    migrate(db, MIGRATIONS.slice(0, version - 1));
    expect(schemaVersion(db)).toBe(version - 1);
    expect(migrate(db, MIGRATIONS.slice(0, version))).toEqual({
      from: version - 1,
      to: version,
      applied: [`${String(version).padStart(4, '0')}_${name}`],
    });
    AFTER[version]!(db);
  });

  it('2 (delivery) keeps every job, its rowid and its ledger rows, and accepts the delivering state', () => {
    const db = versionOneWithJobs();
    const before = db.prepare('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    migrate(db, MIGRATIONS.slice(0, 2));
    const after = db.prepare<[], Record<string, unknown>>('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    expect(after.map(({ lease_until: lease, ...rest }) => (expect(lease).toBeNull(), rest))).toEqual(before);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM ledger').get()).toEqual({ n: 4 });
    db.prepare("UPDATE jobs SET status = 'delivering' WHERE id = 'j2'").run();
    // A delivering job still holds its whole cost.
    expect(() => db.prepare("UPDATE jobs SET held = 0 WHERE id = 'j2'").run()).toThrow(/CHECK constraint failed/);
    expect(
      db.prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running', 'delivering') ORDER BY created_at").all().map((j) => (j as { id: string }).id),
    ).toEqual(['j2']);
  });

  it('3 (instances) keeps every job, its rowid and its ledger rows, drops the lease and leaves owners null', () => {
    const db = versionOneWithJobs();
    migrate(db, MIGRATIONS.slice(0, 2));
    // A version-2 file as a bot left it: a delivering job under a lease.
    db.prepare("UPDATE jobs SET status = 'delivering', lease_until = 99 WHERE id = 'j2'").run();
    const before = db.prepare('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    expect(migrate(db, MIGRATIONS.slice(0, 3))).toMatchObject({ from: 2, to: 3, applied: ['0003_instances'] });
    const after = db.prepare<[], Record<string, unknown>>('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    expect(after.map(({ owner, ...rest }) => (expect(owner).toBeNull(), rest))).toEqual(
      (before as Record<string, unknown>[]).map(({ lease_until: _lease, ...rest }) => rest),
    );
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM ledger').get()).toEqual({ n: 4 });
    expect(db.prepare('SELECT count(*) AS n FROM instances').get()).toEqual({ n: 0 });
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    // The repositories' queries run on it, once brought up to date: the delivering job is still
    // unsettled, with no owner.
    migrate(db);
    expect(db.prepare<[], { id: string; owner: string | null }>(jobSql.unsettled).all().map((j) => [j.id, j.owner])).toEqual([['j2', null]]);
  });

  it('4 (routing) keeps every job in every status, its rowid, owner and ledger rows, and accepts refused', async () => {
    const db = bare();
    migrate(db, MIGRATIONS.slice(0, 3));
    db.exec(JOBS_IN_EVERY_STATUS);
    // Rowids with gaps and out of creation order, so that a copy renumbering them would show.
    db.exec("UPDATE jobs SET rowid = CASE id WHEN 'q' THEN 70 WHEN 'r' THEN 12 WHEN 'd' THEN 30 ELSE rowid + 100 END");
    const jobsBefore = db.prepare('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    const ledgerBefore = db.prepare('SELECT * FROM ledger ORDER BY id').all();
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    expect(migrate(db)).toEqual({ from: 3, to: 4, applied: ['0004_routing'] });
    const jobsAfter = db.prepare<[], Record<string, unknown>>('SELECT rowid, * FROM jobs ORDER BY rowid').all();
    expect(jobsAfter.map(({ notice, ...rest }) => (expect(notice).toBeNull(), rest))).toEqual(jobsBefore);
    expect(new Set(jobsAfter.map((job) => job.status))).toEqual(
      new Set(['queued', 'running', 'delivering', 'succeeded', 'failed', 'cancelled', 'interrupted']),
    );
    expect(db.prepare('SELECT * FROM ledger ORDER BY id').all()).toEqual(ledgerBefore);
    expect(db.prepare('SELECT id FROM instances').all()).toEqual([{ id: 'inst-1' }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    // The repositories' queries run on it: unsettled jobs oldest first, owners kept.
    expect(db.prepare<[], { id: string; owner: string | null }>(jobSql.unsettled).all().map((j) => [j.id, j.owner])).toEqual([
      ['q', 'inst-1'],
      ['r', 'inst-1'],
      ['d', null],
    ]);

    // Refused is a settled status: it must hold nothing and have finished, and nothing unknown is let in.
    expect(() => db.prepare("UPDATE jobs SET status = 'refused' WHERE id = 'q'").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE jobs SET status = 'lost', held = 0, finished_at = 9 WHERE id = 'q'").run()).toThrow(/CHECK constraint failed/);
    const store = createSqliteStore(db);
    const credits = new CreditService({ store, clock: new ManualClock(50), startingCredits: 0 });
    const refused = await credits.settle('r', { delivered: 0, status: 'refused', errorCode: 'provider_refused', errorMessage: 'No.' });
    expect(refused).toMatchObject({ settled: true, released: 2, captured: 0, job: { status: 'refused', held: 0 }, account: { balance: 94, held: 4 } });
    expect(await store.jobs.find('r')).toMatchObject({ status: 'refused', held: 0, finishedAt: 50, notice: null, owner: 'inst-1' });
    expect((await store.jobs.unsettled()).map((j) => j.id)).toEqual(['q', 'd']);
    expect(checkDatabase(db)).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
  });

  it('does nothing when the database is up to date', () => {
    const db = bare();
    migrate(db);
    expect(migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
  });

  it('refuses a database newer than the code', () => {
    const db = bare();
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    const error = (() => {
      try {
        migrate(db);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'db_too_new' });
    expect((error as Error).message).toContain(
      `schema version ${LATEST_SCHEMA_VERSION + 1}, but this build of nano-imagine knows only versions up to ${LATEST_SCHEMA_VERSION}`,
    );
    expect(tables(db)).toEqual([]);
  });

  it('rolls a failing migration back entirely, user_version included', () => {
    const db = bare();
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up: 'CREATE TABLE half (x INTEGER) STRICT; INSERT INTO missing VALUES (1);',
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no such table: missing/);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).not.toContain('half');
  });

  it('refuses a list with a gap', () => {
    const gap: Migration = { version: LATEST_SCHEMA_VERSION + 2, name: 'gap', up: '' };
    expect(() => migrate(bare(), [...MIGRATIONS, gap])).toThrow(expect.objectContaining({ code: 'db_migrations_invalid' }));
  });
});

describe('schema', () => {
  it('makes every table STRICT', () => {
    const db = openDatabase(':memory:');
    handles.push(db);
    const list = db.pragma('table_list') as { schema: string; name: string; strict: number }[];
    const ours = list.filter((t) => t.schema === 'main' && !t.name.startsWith('sqlite_'));
    expect(ours.map((t) => [t.name, t.strict]).sort()).toEqual([
      ['accounts', 1],
      ['instances', 1],
      ['jobs', 1],
      ['ledger', 1],
      ['settings', 1],
      ['slots', 1],
    ]);
    expect(() =>
      db.prepare("INSERT INTO accounts VALUES ('cli:a', 'cli', NULL, 'lots', 0, 0, 0)").run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
  });

  it('refuses rows that break the credit rules', () => {
    const db = openDatabase(':memory:');
    handles.push(db);
    db.prepare("INSERT INTO accounts VALUES ('cli:a', 'cli', NULL, 5, 0, 0, 0)").run();
    expect(() => db.prepare("UPDATE accounts SET balance = -1 WHERE key = 'cli:a'").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO ledger (account_key, kind, delta, held_delta, at) VALUES ('cli:a', 'hold', -1, 1, 0)").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO ledger (account_key, kind, delta, held_delta, at) VALUES ('cli:zz', 'grant', 1, 0, 0)").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO ledger (account_key, kind, delta, held_delta, at) VALUES ('cli:a', 'starting', 5, 0, 0)").run();
    expect(() => db.prepare('UPDATE ledger SET delta = 6').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
  });
});

describe('hot queries use an index', () => {
  // Named parameters, as each statement takes them.
  const params: Record<string, Record<string, unknown>> = {
    'job by id': { id: 'j' },
    'job by idempotency key': { key: 'k' },
    'unsettled jobs, oldest first': {},
    'jobs by account, newest first': { accountKey: 'cli:a', limit: 10 },
    'ledger by account, newest first': { accountKey: 'cli:a', limit: 10 },
    'account by key': { key: 'cli:a' },
    'account change': { delta: 1, heldDelta: 0, at: 1, key: 'cli:a' },
    'job settlement': { status: 'failed', captured: 0, error_code: null, error_message: null, outputs: '[]', finished_at: 1, id: 'j' },
    'job start': { id: 'j', at: 1 },
    'job delivering': { id: 'j', outputs: '[]', provider: 'nbapi', model: 'm', unit_cost: 1, notice: null },
    'queued jobs': { except: 'i' },
    'queued jobs of an account': { accountKey: 'cli:a', except: 'i' },
    'slot held by a job': { pool: 'p', jobId: 'j' },
    'slots taken in a pool': { pool: 'p', now: 1 },
    'slots released': { jobId: 'j' },
    'instance renewal': { id: 'i', until: 1 },
    'instance removal': { id: 'i' },
  };
  const queries: Record<string, string> = {
    'job by id': jobSql.find,
    'job by idempotency key': jobSql.findByIdempotencyKey,
    'unsettled jobs, oldest first': jobSql.unsettled,
    'jobs by account, newest first': jobSql.listByAccount,
    'ledger by account, newest first': ledgerSql.recent,
    'account by key': accountSql.find,
    'account change': accountSql.change,
    'job settlement': jobSql.settle,
    'job start': jobSql.markRunning,
    'job delivering': jobSql.markDelivering,
    'queued jobs': jobSql.countQueued,
    'queued jobs of an account': jobSql.countQueuedByAccount,
    'slot held by a job': slotSql.held,
    'slots taken in a pool': slotSql.taken,
    'slots released': slotSql.release,
    'instance renewal': instanceSql.renew,
    'instance removal': instanceSql.remove,
  };
  const expected: Record<string, RegExp> = {
    'job by id': /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/,
    'job by idempotency key': /SEARCH jobs USING INDEX sqlite_autoindex_jobs_2 \(idempotency_key=\?\)/,
    'unsettled jobs, oldest first': /SCAN jobs USING INDEX jobs_unsettled/,
    'jobs by account, newest first': /SEARCH jobs USING INDEX jobs_account \(account_key=\?\)/,
    'ledger by account, newest first': /SEARCH ledger USING INDEX ledger_account \(account_key=\?\)/,
    'account by key': /SEARCH accounts USING INDEX sqlite_autoindex_accounts_1 \(key=\?\)/,
    'account change': /SEARCH accounts USING INDEX sqlite_autoindex_accounts_1 \(key=\?\)/,
    'job settlement': /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/,
    'job start': /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/,
    'job delivering': /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/,
    'queued jobs': /SCAN jobs USING INDEX jobs_unsettled/,
    'queued jobs of an account': /SEARCH jobs USING INDEX jobs_unsettled_account \(account_key=\?\)/,
    'slot held by a job': /SEARCH slots USING PRIMARY KEY \(pool=\? AND job_id=\?\)/,
    'slots taken in a pool': /SEARCH s USING PRIMARY KEY \(pool=\?\)\nSEARCH i USING INDEX sqlite_autoindex_instances_1 \(id=\?\)/,
    'slots released': /SEARCH slots USING INDEX slots_job \(job_id=\?\)/,
    'instance renewal': /SEARCH instances USING INDEX sqlite_autoindex_instances_1 \(id=\?\)/,
    // Its slots go by the cascade, through their owner index.
    'instance removal': /SEARCH instances USING INDEX sqlite_autoindex_instances_1 \(id=\?\)\nSEARCH slots USING COVERING INDEX slots_owner \(owner=\?\)/,
  };

  const planOf = (sql: string, bound: Record<string, unknown>): string[] => {
    const db = openDatabase(':memory:');
    handles.push(db);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(bound) as { detail: string }[]).map((row) => row.detail);
  };

  it.each(Object.keys(queries))('%s', (name) => {
    const plan = planOf(queries[name]!, params[name]!);
    expect(plan.join('\n')).toMatch(expected[name]!);
    // No full scan of a table, and ordered lists come straight off the index.
    expect(plan.filter((detail) => /^SCAN (jobs|ledger|accounts|slots|instances|s|i)$/.test(detail))).toEqual([]);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('all jobs, newest first: the table itself walked backwards in rowid order, stopping at the limit', () => {
    // A rowid table is its own index on rowid: no sort, and LIMIT ends the walk after `limit` rows.
    expect(planOf(jobSql.list, { limit: 10 })).toEqual(['SCAN jobs']);
    expect(jobSql.list).toMatch(/ORDER BY rowid DESC LIMIT @limit$/);
  });
});
