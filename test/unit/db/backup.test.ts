import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/db/sqlite/backup.js';
import { checkDatabase } from '../../../src/db/sqlite/check.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';
import { createHarness } from '../credits/support.js';

let dir: string;
const handles: SqliteDatabase[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nano-imagine-backup-'));
});
afterEach(() => {
  for (const db of handles.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('backupDatabase', () => {
  it('copies a live database to a file that opens with the same data', async () => {
    const db = openDatabase(join(dir, 'live.db'));
    handles.push(db);
    await createHarness(db).credits.grant('cli:alice', 7, { actor: 'cli:root' });

    mkdirSync(join(dir, 'copies'));
    const { totalPages } = await backupDatabase(db, join(dir, 'copies', 'b.db'));
    expect(totalPages).toBeGreaterThan(0);

    const copy = openDatabase(join(dir, 'copies', 'b.db'), { readonly: true });
    handles.push(copy);
    expect(await createHarness(copy).credits.account('cli:alice')).toMatchObject({ balance: 57 });
    expect(checkDatabase(copy).integrity).toBe('ok');
  });

  it('refuses to write over the database or its companions, even through a link, and into a missing directory', async () => {
    const file = join(dir, 'live.db');
    const db = openDatabase(file);
    handles.push(db);
    symlinkSync(`${file}-wal`, join(dir, 'wal-link.db'));
    for (const target of [file, `${file}-wal`, `${file}-shm`, join(dir, 'wal-link.db'), dir, join(dir, 'missing', 'b.db')]) {
      await expect(backupDatabase(db, target), target).rejects.toMatchObject({ code: 'db_backup_refused' });
    }
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
