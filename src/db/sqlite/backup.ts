import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../core/errors.js';
import { refuseUnsafeOutput } from '../refuseUnsafeOutput.js';
import type { SqliteDatabase } from './types.js';

/**
 * Copies the live database to `file` with SQLite's online backup API: a consistent snapshot, taken a
 * few pages at a time, while the bot keeps reading and writing (copying the file by hand could catch a
 * half-written WAL). The snapshot is written beside `file` and renamed over it when complete, so an
 * existing backup is replaced only by a whole one.
 *
 * @returns the number of pages copied.
 * @throws AppError `db_backup_refused` when `file` is the database or one of its companions (links
 *   included), a directory, or in a directory that does not exist — see {@link refuseUnsafeOutput}.
 */
export async function backupDatabase(db: SqliteDatabase, file: string): Promise<{ totalPages: number }> {
  const refusal = refuseUnsafeOutput(file, db.memory ? ':memory:' : db.name);
  if (refusal) throw new AppError('db_backup_refused', `Refusing to back up to ${file}: ${refusal}.`);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const { totalPages } = await db.backup(temp);
    await rename(temp, file);
    return { totalPages };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
