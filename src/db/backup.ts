import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AppError } from '../core/errors.js';
import type { SqliteDatabase } from './types.js';

/**
 * Copies the live database to `file` with SQLite's online backup API: a consistent snapshot, taken a
 * few pages at a time, while the bot keeps reading and writing (copying the file by hand could catch a
 * half-written WAL). An existing `file` is replaced; its directory is created.
 *
 * @returns the number of pages copied.
 * @throws AppError `db_backup_same_file` when `file` is the database itself.
 */
export async function backupDatabase(db: SqliteDatabase, file: string): Promise<{ totalPages: number }> {
  const target = resolve(file);
  if (!db.memory && target === resolve(db.name)) {
    throw new AppError('db_backup_same_file', `Refusing to back up ${db.name} onto itself; choose another file.`);
  }
  await mkdir(dirname(target), { recursive: true });
  const { totalPages } = await db.backup(target);
  return { totalPages };
}
