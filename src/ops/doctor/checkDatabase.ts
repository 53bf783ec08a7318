import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { checkDatabase, checkIntegrity } from '../../db/sqlite/check.js';
import { schemaVersion } from '../../db/sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../db/sqlite/migrations/index.js';
import { openDatabase } from '../../db/sqlite/open.js';
import type { SqliteDatabase } from '../../db/sqlite/types.js';
import { ledgerVerdict } from './ledgerVerdict.js';
import type { CheckResult } from './types.js';

const NAME = 'database';
const RESTORE = 'Stop the bot and restore the latest backup (README: Back up and restore).';

/**
 * Checks the database file without changing it: a missing file is not created and an old schema
 * is not migrated (the bot does both when it starts). The file is opened read-only; for a file in
 * WAL mode SQLite may add its `-wal` and `-shm` companions beside it, as any reader does, but the
 * database itself is never written.
 */
export function checkDatabaseFile(config: Config): CheckResult {
  const path = config.databasePath;
  if (path === ':memory:') return { name: NAME, status: 'ok', detail: 'in memory: nothing is kept between runs' };
  if (!existsSync(path)) return missingFile(path);
  let db: SqliteDatabase;
  try {
    db = openDatabase(path, { readonly: true });
  } catch (error) {
    return {
      name: NAME,
      status: 'fail',
      detail: `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Check DATABASE_PATH, that the file and its folder are readable, and that it is an SQLite file.',
    };
  }
  try {
    return checkOpen(db, path);
  } catch (error) {
    return { name: NAME, status: 'fail', detail: error instanceof Error ? error.message : String(error), fix: RESTORE };
  } finally {
    db.close();
  }
}

function checkOpen(db: SqliteDatabase, path: string): CheckResult {
  const version = schemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) {
    return {
      name: NAME,
      status: 'fail',
      detail: `${path} has schema ${version}, newer than this build knows (${LATEST_SCHEMA_VERSION})`,
      fix: 'Run the newer nano-imagine that wrote it, or restore a backup made by this version.',
    };
  }
  if (version < LATEST_SCHEMA_VERSION) {
    // The ledger queries expect the current schema; SQLite's own checks hold for any.
    const integrity = checkIntegrity(db);
    if (integrity !== 'ok') return integrityFailure(integrity);
    const pending = MIGRATIONS.slice(version).map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
    return {
      name: NAME,
      status: 'warn',
      detail: `${path} has schema ${version} of ${LATEST_SCHEMA_VERSION}: integrity ok, ${pending.length} migration(s) pending (${pending.join(', ')}); ledger not checked`,
      fix: 'Start the bot or run `nano-imagine db migrate` to apply them (copy the file first to keep the old version).',
    };
  }
  return ledgerVerdict(checkDatabase(db), `${path} (schema ${version}), integrity and ledger ok`, RESTORE);
}

function integrityFailure(problems: readonly string[]): CheckResult {
  return { name: NAME, status: 'fail', detail: `integrity check: ${problems.slice(0, 3).join('; ')}`, fix: RESTORE };
}

/** A file that is not there yet is fine if the bot will be able to create it. */
function missingFile(path: string): CheckResult {
  let folder = dirname(resolve(path));
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return {
      name: NAME,
      status: 'fail',
      detail: `${path} does not exist and ${folder} is not writable, so the bot cannot create it`,
      fix: 'Set DATABASE_PATH to a writable place, or create the folder and give the bot’s user write access.',
    };
  }
  return { name: NAME, status: 'ok', detail: `${path} does not exist yet; the bot creates it (schema ${LATEST_SCHEMA_VERSION}) when it starts` };
}
