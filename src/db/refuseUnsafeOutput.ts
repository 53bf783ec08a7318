import { type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The files SQLite keeps for a database: losing any of them loses data. */
function databaseFiles(databaseFile: string): string[] {
  if (databaseFile === '' || databaseFile === ':memory:') return [];
  return [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`, `${databaseFile}-journal`];
}

/** `stat` that follows links; undefined when nothing is there. */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Whether a command may write a file it produces (generated images, a backup) at `path` without
 * destroying data. It may not be the database or its `-wal`/`-shm`/`-journal` — compared by device
 * and inode, so a symbolic or hard link to one is caught too — nor a directory or anything but a
 * regular file, and its directory must already exist (a mistyped path is not silently created).
 * Call it before anything is held or written.
 *
 * @param databaseFile - the open database's file (`db.name`); `:memory:` protects nothing.
 * @returns undefined when `path` may be written, else why not, fit to show after the path.
 */
export function refuseUnsafeOutput(path: string, databaseFile: string): string | undefined {
  const target = statIfAny(path);
  for (const file of databaseFiles(databaseFile)) {
    const existing = statIfAny(file);
    const same = existing && target ? existing.dev === target.dev && existing.ino === target.ino : resolve(file) === resolve(path);
    if (same) return `it is the database's file ${file}; choose another path`;
  }
  if (target) {
    if (target.isDirectory()) return 'it is a directory; give a file name';
    if (!target.isFile()) return 'it is not a regular file';
    return undefined;
  }
  const parent = dirname(resolve(path));
  const dir = statIfAny(parent);
  if (!dir) return `the directory ${dirname(path)} does not exist; create it first`;
  if (!dir.isDirectory()) return `${dirname(path)} is not a directory`;
  return undefined;
}
