import type pg from 'pg';
import { AppError } from '../../core/errors.js';
import { MIGRATION_LOCK } from './advisoryLocks.js';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './migrations/index.js';
import type { Queryable } from './queryable.js';

/** What {@link migratePostgres} did: the schema version before and after, and the steps it ran (SQLite's shape). */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

const CREATE_SCHEMA_MIGRATIONS = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/** The database's schema version: the newest step in `schema_migrations`, 0 for an empty database. */
export async function postgresSchemaVersion(q: Queryable): Promise<number> {
  // Two statements: a query naming a missing table fails to plan even in a branch it would not run.
  const { rows } = await q.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!rows[0]?.present) return 0;
  const version = await q.query<{ version: number }>('SELECT COALESCE(max(version), 0) AS version FROM schema_migrations');
  return version.rows[0]?.version ?? 0;
}

/** Options for {@link migratePostgres}. */
export interface MigratePostgresOptions {
  /** Where the database is, for messages: {@link postgresLocation} of its URL. */
  readonly location?: string;
  /** Defaults to every migration this build knows; tests pass a prefix or extra steps. */
  readonly migrations?: readonly PostgresMigration[];
}

/**
 * Brings the schema up to date. Each pending step runs in its own transaction that also records it
 * in `schema_migrations`, so a failed step leaves the database as it was. Every transaction first
 * takes the migration lock: processes starting together wait for one another, and each step, seen
 * again under the lock, runs once.
 *
 * @throws AppError `db_too_new` when the database is newer than the newest migration;
 *   `db_migration_failed` when a step fails (its cause attached).
 */
export async function migratePostgres(pool: pg.Pool, options: MigratePostgresOptions = {}): Promise<MigrationReport> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  const location = options.location ?? 'The PostgreSQL database';
  assertSequential(migrations);
  const client = await pool.connect();
  let failed = false;
  try {
    const from = await underLock(client, async () => {
      await client.query(CREATE_SCHEMA_MIGRATIONS);
      return postgresSchemaVersion(client);
    });
    if (from > migrations.length) {
      throw new AppError(
        'db_too_new',
        `${location} has schema version ${from}, but this build of nano-imagine knows only versions up to ` +
          `${migrations.length}. Run a newer nano-imagine, or restore a backup made by this version.`,
      );
    }
    const applied: string[] = [];
    for (const migration of migrations.slice(from)) {
      const ran = await underLock(client, async () => {
        // Another process may have applied it while this one waited for the lock.
        if ((await postgresSchemaVersion(client)) >= migration.version) return false;
        await runStep(client, migration);
        return true;
      });
      if (ran) applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
    }
    return { from, to: await postgresSchemaVersion(client), applied };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the connection is not trusted (its ROLLBACK may not have run): it is closed
    // rather than handed back to the pool.
    client.release(failed);
  }
}

async function runStep(client: pg.PoolClient, migration: PostgresMigration): Promise<void> {
  try {
    await client.query(migration.up);
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
  } catch (error) {
    throw new AppError(
      'db_migration_failed',
      `Migration ${migration.version} (${migration.name}) failed, so nothing was changed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Runs `fn` in one transaction holding {@link MIGRATION_LOCK}. */
async function underLock<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK.space, MIGRATION_LOCK.key]);
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The error that matters is the step's; a ROLLBACK failing too means the connection is gone.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function assertSequential(migrations: readonly PostgresMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError(
        'db_migrations_invalid',
        `Migration "${migration.name}" has version ${migration.version} but is number ${index + 1} in the list; ` +
          'migrations must be numbered 1, 2, 3… with no gaps.',
      );
    }
  });
}
