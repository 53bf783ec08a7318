import type { Migration } from './types.js';

/**
 * The first schema (DESIGN §5). Released: never edit this file, add a migration instead.
 *
 * The CHECK constraints restate the credit rules so that a bug in the code fails loudly at the row
 * that breaks them instead of corrupting balances quietly.
 */
export const init = {
  version: 1,
  name: 'init',
  up: /* sql */ `
    CREATE TABLE accounts (
      key          TEXT    NOT NULL PRIMARY KEY,
      platform     TEXT    NOT NULL CHECK (platform IN ('discord', 'slack', 'cli')),
      display_name TEXT,
      balance      INTEGER NOT NULL CHECK (balance >= 0),
      held         INTEGER NOT NULL CHECK (held >= 0),
      created_at   INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE jobs (
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
                      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      error_code      TEXT,
      error_message   TEXT,
      outputs         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(outputs)),
      created_at      INTEGER NOT NULL,
      started_at      INTEGER,
      finished_at     INTEGER,
      -- An unsettled job holds its whole cost; a settled one holds nothing and has finished.
      CHECK (CASE WHEN status IN ('queued', 'running') THEN held = cost AND captured = 0
                  ELSE held = 0 AND finished_at IS NOT NULL END)
    ) STRICT;

    -- Every index below is written by each credit movement, so there are as few as the reads need.
    -- Newest first means insertion (rowid) order: jobs are never deleted, so rowids only grow.
    -- /history and \`jobs list --account\`: (account_key) carries the rowid, so the newest of an
    -- account come straight off the end of its range. \`jobs list\` walks the table backwards.
    CREATE INDEX jobs_account ON jobs (account_key);
    -- Unsettled jobs oldest first (restart recovery). Partial: a job leaves it when it
    -- settles, so it stays as small as the queue.
    CREATE INDEX jobs_unsettled ON jobs (created_at) WHERE status IN ('queued', 'running');

    CREATE TABLE ledger (
      -- No AUTOINCREMENT: rows are never deleted (see the triggers), so max(id) + 1 already never
      -- reuses an id, without AUTOINCREMENT's extra sqlite_sequence write on every insert.
      id          INTEGER PRIMARY KEY,
      account_key TEXT    NOT NULL REFERENCES accounts (key),
      kind        TEXT    NOT NULL CHECK (kind IN ('starting', 'grant', 'adjust', 'hold', 'capture', 'release')),
      delta       INTEGER NOT NULL,
      held_delta  INTEGER NOT NULL,
      job_id      TEXT    REFERENCES jobs (id),
      actor       TEXT,
      reason      TEXT,
      at          INTEGER NOT NULL,
      -- Each kind moves credits in one direction only; job movements name their job.
      CHECK (CASE kind
        WHEN 'starting' THEN delta >= 0 AND held_delta = 0 AND job_id IS NULL
        WHEN 'grant'    THEN delta > 0 AND held_delta = 0 AND job_id IS NULL
        WHEN 'adjust'   THEN held_delta = 0 AND job_id IS NULL
        WHEN 'hold'     THEN delta < 0 AND held_delta = -delta AND job_id IS NOT NULL
        WHEN 'capture'  THEN delta = 0 AND held_delta < 0 AND job_id IS NOT NULL
        WHEN 'release'  THEN delta > 0 AND held_delta = -delta AND job_id IS NOT NULL
      END)
    ) STRICT;

    -- An account's latest rows: (account_key) carries the id (the rowid), newest at the end.
    -- No index on job_id: only \`db check\` reads by job, and jobs are never deleted or re-keyed, so
    -- the foreign key never looks ledger rows up by job.
    CREATE INDEX ledger_account ON ledger (account_key);

    -- The ledger is the audit trail: rows are only ever added.
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;

    -- Per-guild/workspace defaults (later). value is JSON text.
    CREATE TABLE settings (
      scope TEXT NOT NULL,
      key   TEXT NOT NULL,
      value TEXT NOT NULL CHECK (json_valid(value)),
      PRIMARY KEY (scope, key)
    ) STRICT, WITHOUT ROWID;
  `,
} as const satisfies Migration;
