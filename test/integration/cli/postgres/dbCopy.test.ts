/**
 * `db copy --to`, `db check`, `db migrate` and `db backup` against a real PostgreSQL server, through
 * the CLI entry point: a SQLite database with accounts, a ledger and jobs moves into an empty
 * PostgreSQL one, proved on both; the bot's commands then read the same figures from PostgreSQL; and
 * the `pg_dump` the CLI advises instead of a backup really restores into a database that checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli/main.js';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../../../src/db/postgres/migrations/index.js';
import { openPostgresStore } from '../../../../src/db/postgres/store.js';
import { openDatabase } from '../../../../src/db/sqlite/open.js';
import { findPostgresBinaries } from '../../../support/postgresBinaries.js';
import { createDatabase } from '../../../support/postgresDatabases.js';
import { postgresServerUrl } from '../../../support/postgresTest.js';

const run = promisify(execFile);

describe('db commands on PostgreSQL', () => {
  let dir: string;
  const saved = { ...process.env };

  async function cli(env: Record<string, string | undefined>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    process.env = { ...saved, ...env };
    for (const key of Object.keys(process.env)) if (/^(NBPRO|NBAPI|DISCORD|SLACK|PROVIDER)/.test(key)) delete process.env[key];
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ni-dbcopy-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies a SQLite database into an empty PostgreSQL one, proves both, and the bot reads the same there', async () => {
    const sqlite = { DATABASE_PATH: join(dir, 'bot.db'), DATABASE_URL: undefined, STARTING_CREDITS: '10' };
    expect((await cli(sqlite, 'generate', 'a koi pond', '--count', '2', '--out', join(dir, 'koi.png'), '--account', 'alice')).code).toBe(0);
    expect((await cli(sqlite, 'credits', 'grant', 'discord:123456789012345678', '25', '--reason', 'prize')).code).toBe(0);
    expect((await cli(sqlite, 'credits', 'set', 'slack:T0A:U0B', '3')).code).toBe(0);
    // A notice, as a job served by a fallback provider carries: the CLI never writes one.
    const source = openDatabase(join(dir, 'bot.db'));
    source.prepare("UPDATE jobs SET notice = 'Made by nbapi: “nbpro” was down.'").run();
    source.close();
    const before = {
      alice: (await cli(sqlite, 'credits', 'show', 'cli:alice', '--json')).out,
      discord: (await cli(sqlite, 'credits', 'show', 'discord:123456789012345678', '--json')).out,
      jobs: JSON.parse((await cli(sqlite, 'jobs', 'list', '--json')).out) as unknown[],
    };

    const url = await createDatabase(postgresServerUrl());
    const copy = await cli(sqlite, 'db', 'copy', '--to', url, '--json');
    expect(copy.err).toBe('');
    expect(copy.code).toBe(0);
    const report = JSON.parse(copy.out) as { ok: boolean; rows: Record<string, number>; source: unknown; target: unknown };
    expect(report.ok).toBe(true);
    expect(report.rows).toMatchObject({ accounts: 3, jobs: 1 });
    expect(report.rows.ledger).toBeGreaterThanOrEqual(6);
    expect(report.source).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    expect(report.target).toEqual({ integrity: 'ok', invariant: [], jobs: [] });

    const postgres = { DATABASE_URL: url, DATABASE_PATH: undefined, SPOOL_DIR: join(dir, 'spool') };
    expect((await cli(postgres, 'credits', 'show', 'cli:alice', '--json')).out).toBe(before.alice);
    expect((await cli(postgres, 'credits', 'show', 'discord:123456789012345678', '--json')).out).toBe(before.discord);
    expect(JSON.parse((await cli(postgres, 'jobs', 'list', '--json')).out)).toEqual(before.jobs);
    const check = await cli(postgres, 'db', 'check', '--json');
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ ok: true, integrity: 'ok', invariant: [], jobs: [] });
    expect((await cli(postgres, 'db', 'migrate')).out).toMatch(new RegExp(`is at schema version ${LATEST_POSTGRES_SCHEMA_VERSION}$`));
    const copied = await openPostgresStore(url);
    try {
      expect((await copied.jobs.list({ limit: 10 })).map((job) => job.notice)).toEqual(['Made by nbapi: “nbpro” was down.']);
    } finally {
      await copied.close();
    }
    // New movements continue the ledger on PostgreSQL.
    expect((await cli(postgres, 'generate', 'a second koi', '--out', join(dir, 'koi2.png'), '--account', 'alice', '--json')).code).toBe(0);
    expect(JSON.parse((await cli(postgres, 'credits', 'show', 'cli:alice', '--json')).out)).toMatchObject({ balance: 7, held: 0 });

    // A second copy into the same, no longer empty, database is refused and changes nothing.
    const again = await cli(sqlite, 'db', 'copy', '--to', url);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/is not empty/);
    expect(JSON.parse((await cli(postgres, 'credits', 'show', 'cli:alice', '--json')).out)).toMatchObject({ balance: 7 });
  });

  it('refuses to copy a SQLite database that fails its check, and copies nothing', async () => {
    const path = join(dir, 'broken.db');
    const sqlite = { DATABASE_PATH: path, DATABASE_URL: undefined, STARTING_CREDITS: '10' };
    expect((await cli(sqlite, 'credits', 'grant', 'cli:bob', '5')).code).toBe(0);
    const db = openDatabase(path);
    db.prepare("UPDATE accounts SET balance = balance + 1 WHERE key = 'cli:bob'").run();
    db.close();
    const url = await createDatabase(postgresServerUrl());
    const copy = await cli(sqlite, 'db', 'copy', '--to', url);
    expect(copy.code).toBe(2);
    expect(copy.err).toMatch(/does not pass `db check`/);
    const empty = await cli({ DATABASE_URL: url, DATABASE_PATH: undefined, SPOOL_DIR: join(dir, 'spool') }, 'jobs', 'list', '--json');
    expect(JSON.parse(empty.out)).toEqual([]);
  });

  it('db backup names pg_dump instead, and that advice restores into a database that checks', async () => {
    const url = await createDatabase(postgresServerUrl());
    const postgres = { DATABASE_URL: url, DATABASE_PATH: undefined, SPOOL_DIR: join(dir, 'spool'), STARTING_CREDITS: '10' };
    expect((await cli(postgres, 'credits', 'grant', 'cli:carol', '7')).code).toBe(0);
    const dump = join(dir, 'nano.dump');
    const backup = await cli(postgres, 'db', 'backup', dump);
    expect(backup.code).toBe(2);
    expect(backup.err).toContain(`pg_dump --format=custom --file=${dump}`);

    const bin = dirname(findPostgresBinaries().initdb);
    await run(join(bin, 'pg_dump'), ['--format=custom', `--file=${dump}`, url]);
    const restored = await createDatabase(postgresServerUrl());
    await run(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${restored}`, dump]);
    const there = { ...postgres, DATABASE_URL: restored };
    expect(JSON.parse((await cli(there, 'db', 'check', '--json')).out)).toMatchObject({ ok: true });
    expect(JSON.parse((await cli(there, 'credits', 'show', 'cli:carol', '--json')).out)).toMatchObject({ balance: 17, held: 0 });
  });
});
