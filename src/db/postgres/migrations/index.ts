import { init } from './0001_init.js';
import { routing } from './0002_routing.js';
import type { PostgresMigration } from './types.js';

export type { PostgresMigration } from './types.js';

/** Every PostgreSQL migration, in order. Append only: a released entry is never edited or removed. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [init, routing];

/** The PostgreSQL schema version this build of the code reads and writes. */
export const LATEST_POSTGRES_SCHEMA_VERSION: number = POSTGRES_MIGRATIONS.length;
