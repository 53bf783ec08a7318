import type { Migration } from './types.js';

/**
 * Processes own their jobs, and limits hold across processes. Released: never edit this file, add a
 * migration instead.
 *
 * - `instances`: every process sharing the database (bot, shard, CLI run) registers with a lease it
 *   renews; recovery releases only the unsettled jobs of instances whose lease ran out (or whose
 *   process is seen dead on the same host).
 * - `jobs.owner` replaces the per-job `lease_until`: one renewal per process instead of one per job.
 * - `slots`: one row per limited resource a running job holds (a provider key's concurrency, an
 *   account's running jobs). Slots of an instance that is gone stop counting, and go with its row.
 */
export const instances = {
  version: 3,
  name: 'instances',
  up: /* sql */ `
    CREATE TABLE instances (
      id          TEXT    NOT NULL PRIMARY KEY,
      role        TEXT    NOT NULL CHECK (role IN ('bot', 'cli')),
      host        TEXT    NOT NULL,
      pid         INTEGER NOT NULL,
      started_at  INTEGER NOT NULL,
      lease_until INTEGER NOT NULL
    ) STRICT;

    ALTER TABLE jobs DROP COLUMN lease_until;
    -- No foreign key: an instance's row goes when it ends, its settled jobs stay.
    ALTER TABLE jobs ADD COLUMN owner TEXT;
    -- An account's unsettled jobs: the queue limit counts them at every hold. Partial, so it stays as
    -- small as the queue; the WHERE must be repeated word for word by the queries that use it.
    CREATE INDEX jobs_unsettled_account ON jobs (account_key) WHERE status IN ('queued', 'running', 'delivering');

    CREATE TABLE slots (
      pool   TEXT NOT NULL,
      job_id TEXT NOT NULL,
      owner  TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      PRIMARY KEY (pool, job_id)
    ) STRICT, WITHOUT ROWID;
    -- Releasing a job's slots, and the cascade from instances.
    CREATE INDEX slots_job ON slots (job_id);
    CREATE INDEX slots_owner ON slots (owner);
  `,
} as const satisfies Migration;
