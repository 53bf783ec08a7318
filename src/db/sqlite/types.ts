/** The connection type every `src/db` module takes: one better-sqlite3 handle. */
export type { Database as SqliteDatabase } from 'better-sqlite3';
