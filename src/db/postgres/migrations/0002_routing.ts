import type { PostgresMigration } from './types.js';

/**
 * SQLite's migration 4 (src/db/sqlite/migrations/0004_routing.ts): jobs a provider refused, and how a
 * job was served when that differs from what was asked. Released: never edit this file, add a
 * migration instead.
 *
 * - `refused` joins the status CHECK. 0001 left that constraint unnamed, so PostgreSQL named it
 *   `jobs_status_check` (table_column_check, the name it gives every single-column CHECK); it is
 *   dropped and added again under that name, now given explicitly. The held/captured CHECK needs no
 *   change: its settled branch is the ELSE of every status that is not queued, running or delivering.
 * - `notice`: null when the job was served as asked.
 */
export const routing = {
  version: 2,
  name: 'routing',
  up: /* sql */ `
    ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
    ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
      CHECK (status IN ('queued', 'running', 'delivering', 'succeeded', 'failed', 'refused', 'cancelled', 'interrupted'));
    ALTER TABLE jobs ADD COLUMN notice text;
  `,
} as const satisfies PostgresMigration;
