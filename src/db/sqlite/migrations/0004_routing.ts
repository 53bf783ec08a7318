import type { Migration } from './types.js';

/**
 * Jobs served by another provider than the one planned, and jobs a provider refused. Released: never
 * edit this file, add a migration instead.
 *
 * - `refused`: the provider would not make the content, a settled status of its own so it is told
 *   apart from `failed`. SQLite cannot change a CHECK in place, so the table is rebuilt as 0002 did
 *   (foreign keys off, new table, copy keeping rowids, drop, rename, check); the settled branch of
 *   the held/captured CHECK is its ELSE, so it covers `refused` unchanged.
 * - `notice`: how the job was served when that differs from what was asked (a fallback provider, a
 *   retired model's successor), shown with the result; null when served as asked. `provider`,
 *   `model` and `unit_cost` now name who served the job, written when it starts delivering.
 */
export const routing = {
  version: 4,
  name: 'routing',
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
                      CHECK (status IN ('queued', 'running', 'delivering', 'succeeded', 'failed', 'refused',
                                        'cancelled', 'interrupted')),
      error_code      TEXT,
      error_message   TEXT,
      outputs         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(outputs)),
      created_at      INTEGER NOT NULL,
      started_at      INTEGER,
      finished_at     INTEGER,
      -- No foreign key: an instance's row goes when it ends, its settled jobs stay.
      owner           TEXT,
      notice          TEXT,
      -- An unsettled job holds its whole cost; a settled one holds nothing and has finished.
      CHECK (CASE WHEN status IN ('queued', 'running', 'delivering') THEN held = cost AND captured = 0
                  ELSE held = 0 AND finished_at IS NOT NULL END)
    ) STRICT;

    -- rowid kept: newest first is rowid order.
    INSERT INTO jobs_new (rowid, id, idempotency_key, account_key, platform, destination, kind, parent_id, request,
                          provider, model, unit_cost, cost, held, captured, status, error_code, error_message,
                          outputs, created_at, started_at, finished_at, owner, notice)
      SELECT rowid, id, idempotency_key, account_key, platform, destination, kind, parent_id, request,
             provider, model, unit_cost, cost, held, captured, status, error_code, error_message,
             outputs, created_at, started_at, finished_at, owner, NULL
      FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;

    -- The indexes 0001–0003 made, as they were: the partial indexes' WHERE is repeated word for word
    -- by the queries that use them.
    CREATE INDEX jobs_account ON jobs (account_key);
    CREATE INDEX jobs_unsettled ON jobs (created_at) WHERE status IN ('queued', 'running', 'delivering');
    CREATE INDEX jobs_unsettled_account ON jobs (account_key) WHERE status IN ('queued', 'running', 'delivering');
  `,
} as const satisfies Migration;
