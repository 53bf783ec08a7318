import type { Migration } from './types.js';

/**
 * Capture after delivery, and leases for jobs run by short-lived processes. Released: never edit
 * this file, add a migration instead.
 *
 * - `delivering`: the images exist (kept in the spool) but the platform has not confirmed them yet,
 *   so the job still holds its whole cost. SQLite cannot change a CHECK in place, so the table is
 *   rebuilt (SQLite's documented procedure: foreign keys off, new table, copy, drop, rename, check).
 * - `lease_until`: until when the process running an unsettled job vouches for it; it renews the
 *   lease while alive, so recovery can take the job soon after that process dies.
 */
export const delivery = {
  version: 2,
  name: 'delivery',
  foreignKeysOff: true,
  up: /* sql */ `
    CREATE TABLE jobs_new (
      id              TEXT    NOT NULL PRIMARY KEY,
      idempotency_key TEXT    NOT NULL UNIQUE,
      account_key     TEXT    NOT NULL REFERENCES accounts (key),
      platform        TEXT    NOT NULL CHECK (platform IN ('discord', 'slack', 'cli')),
      destination     TEXT    NOT NULL CHECK (json_valid(destination)),
      kind            TEXT    NOT NULL CHECK (kind IN ('imagine', 'edit', 'reroll', 'upscale')),
      -- No foreign key: a button may name a job from a database that was since replaced.
      parent_id       TEXT,
      request         TEXT    NOT NULL CHECK (json_valid(request)),
      provider        TEXT    NOT NULL,
      model           TEXT    NOT NULL,
      unit_cost       INTEGER NOT NULL CHECK (unit_cost >= 0),
      cost            INTEGER NOT NULL CHECK (cost >= 0),
      held            INTEGER NOT NULL CHECK (held >= 0 AND held <= cost),
      captured        INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= cost),
      status          TEXT    NOT NULL
                      CHECK (status IN ('queued', 'running', 'delivering', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      error_code      TEXT,
      error_message   TEXT,
      outputs         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(outputs)),
      created_at      INTEGER NOT NULL,
      started_at      INTEGER,
      finished_at     INTEGER,
      lease_until     INTEGER,
      -- An unsettled job holds its whole cost; a settled one holds nothing and has finished.
      CHECK (CASE WHEN status IN ('queued', 'running', 'delivering') THEN held = cost AND captured = 0
                  ELSE held = 0 AND finished_at IS NOT NULL END)
    ) STRICT;

    -- rowid kept: newest first is rowid order.
    INSERT INTO jobs_new (rowid, id, idempotency_key, account_key, platform, destination, kind, parent_id, request,
                          provider, model, unit_cost, cost, held, captured, status, error_code, error_message,
                          outputs, created_at, started_at, finished_at, lease_until)
      SELECT rowid, id, idempotency_key, account_key, platform, destination, kind, parent_id, request,
             provider, model, unit_cost, cost, held, captured, status, error_code, error_message,
             outputs, created_at, started_at, finished_at, NULL
      FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;

    CREATE INDEX jobs_account ON jobs (account_key);
    -- Unsettled jobs oldest first (recovery); a job leaves it when it settles.
    CREATE INDEX jobs_unsettled ON jobs (created_at) WHERE status IN ('queued', 'running', 'delivering');
  `,
} as const satisfies Migration;
