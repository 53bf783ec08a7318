import { AppError } from '../../core/errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { SqliteDatabase } from './types.js';
import { assertSequential } from '../migrationOrder.js';

/** What {@link migrate} did: the schema version before and after, and the steps it ran. */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

/** The database's schema version (`PRAGMA user_version`; 0 for a new file). */
export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database written by a newer build, whose schema this code cannot know. */
export function assertNotTooNew(db: SqliteDatabase, latest: number): void {
  const version = schemaVersion(db);
  if (version > latest) {
    throw new AppError(
      'db_too_new',
      `The database ${db.name} has schema version ${version}, but this build of nano-imagine knows only ` +
        `versions up to ${latest}. Run a newer nano-imagine, or restore a backup made by this version.`,
    );
  }
}

/**
 * Brings the schema up to date: each pending migration runs in its own BEGIN IMMEDIATE transaction
 * that also sets `PRAGMA user_version`, so a failed step leaves the database exactly as it was.
 *
 * @param migrations - defaults to every migration this build knows; tests pass a prefix.
 * @throws AppError `db_too_new` when the database is newer than the newest migration.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  assertSequential(migrations);
  const latest = migrations.length;
  assertNotTooNew(db, latest);
  const from = schemaVersion(db);
  const applied: string[] = [];
  for (const migration of migrations.slice(from)) {
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    let ran: boolean;
    try {
      ran = db
      .transaction(() => {
        // Another process may have migrated while this one waited for the write lock.
        if (schemaVersion(db) >= migration.version) return false;
        db.exec(migration.up);
        assertForeignKeys(db, migration);
        // user_version lives in the file header, which the transaction covers: it commits or rolls
        // back together with the schema change.
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    } finally {
      if (migration.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys}`);
    }
    if (ran) applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
  }
  return { from, to: schemaVersion(db), applied };
}


/** A migration that rebuilds a table must leave every foreign key pointing somewhere. */
function assertForeignKeys(db: SqliteDatabase, migration: Migration): void {
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) {
    throw new AppError(
      'db_migration_failed',
      `Migration ${migration.version} (${migration.name}) left ${broken.length} broken foreign key(s); nothing was changed.`,
    );
  }
}
