import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { schemaVersion } from '../../../src/db/sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION } from '../../../src/db/sqlite/migrations/index.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';

let dir: string;
const handles: SqliteDatabase[] = [];
const open = (...args: Parameters<typeof openDatabase>): SqliteDatabase => {
  const db = openDatabase(...args);
  handles.push(db);
  return db;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nano-imagine-open-'));
});
afterEach(() => {
  for (const db of handles.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the directory, sets the pragmas and migrates a new file', () => {
    const db = open(join(dir, 'nested', 'deeper', 'bot.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10000);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('opens :memory: migrated, without WAL', () => {
    const db = open(':memory:');
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses, and closes, a file written by a newer build', () => {
    const file = join(dir, 'bot.db');
    open(file).pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'db_too_new' }));
  });

  it('opens read-only without writing, and the store accepts only a matching schema', () => {
    const file = join(dir, 'bot.db');
    const writer = open(file);
    const reader = open(file, { readonly: true });
    expect(reader.readonly).toBe(true);
    expect(() => createSqliteStore(reader)).not.toThrow();
    writer.pragma('user_version = 0');
    expect(() => createSqliteStore(reader)).toThrow(expect.objectContaining({ code: 'db_schema_mismatch' }));
    expect(() => reader.prepare("INSERT INTO settings VALUES ('s', 'k', '1')").run()).toThrow(/readonly/);
  });

  it('refuses a read-only open of a missing file instead of creating it', () => {
    expect(() => openDatabase(join(dir, 'missing.db'), { readonly: true })).toThrow();
  });
});
