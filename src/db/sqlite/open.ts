import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import type { SqliteDatabase } from './types.js';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * Open without writing: no directory is created, no pragma that writes is set and no migration
   * runs ({@link createSqliteStore} still refuses a schema it does not match).
   * @defaultValue false
   */
  readonly readonly?: boolean;
}

/** How long a connection waits for another connection's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the SQLite database, sets the connection's pragmas and runs pending
 * migrations.
 *
 * @param path - a file path (its directory is created) or `':memory:'`.
 * @throws AppError `db_too_new` when the file was written by a newer build.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const readonly = options.readonly ?? false;
  const memory = path === ':memory:';
  if (!memory && !readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
  try {
    // Set first, so that the pragmas below wait for a busy peer instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    if (readonly) return db;
    // WAL lets readers run beside the one writer, and several processes (shards) share the file.
    if (!memory) db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs at checkpoints, not at every commit. The database is never corrupted
    // by a crash; a process crash loses nothing, and only an OS crash or power loss can roll back the
    // last few commits. That is the price of not waiting for fsync on every credit movement.
    db.pragma('synchronous = NORMAL');
    // A checkpoint copies the WAL into the database and fsyncs both: at the default of 1000 pages
    // (about 70 hold + capture pairs) those fsyncs dominated a busy ledger. 10000 pages checkpoints a
    // tenth as often, for a WAL of up to about 39 MiB; a power loss can then roll back up to that many
    // pages of recent commits instead of 1000 (a process crash still loses nothing).
    // journal_size_limit trims the WAL back after a spike (a long reader can hold a checkpoint off).
    if (!memory) {
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    }
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
