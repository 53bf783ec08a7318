import type { PostgresMigration } from './types.js';

/**
 * The whole schema as SQLite has it after its migration 3 (src/db/sqlite/migrations): the same
 * tables, columns, CHECK constraints and append-only ledger. Released: never edit this file, add a
 * migration instead.
 *
 * Differences, each for PostgreSQL's sake: amounts and times are `bigint` (SQLite's INTEGER is 64-bit
 * too); JSON columns are `jsonb`, which only holds valid JSON, in place of `json_valid` checks; jobs
 * carry `seq`, since PostgreSQL has no rowid to give newest-first order; and the ledger also refuses
 * TRUNCATE, which SQLite does not have.
 */
export const init = {
  version: 1,
  name: 'init',
  up: /* sql */ `
    CREATE TABLE accounts (
      key          text   NOT NULL PRIMARY KEY,
      platform     text   NOT NULL CHECK (platform IN ('discord', 'slack', 'cli')),
      display_name text,
      balance      bigint NOT NULL CHECK (balance >= 0),
      held         bigint NOT NULL CHECK (held >= 0),
      created_at   bigint NOT NULL,
      updated_at   bigint NOT NULL
    );

    CREATE TABLE jobs (
      -- Insertion order, for newest first: identities only grow, and jobs are never deleted.
      -- UNIQUE gives \`jobs list\` its index, newest at the end.
      seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      id              text   NOT NULL PRIMARY KEY,
      idempotency_key text   NOT NULL UNIQUE,
      account_key     text   NOT NULL REFERENCES accounts (key),
      platform        text   NOT NULL CHECK (platform IN ('discord', 'slack', 'cli')),
      destination     jsonb  NOT NULL,
      kind            text   NOT NULL CHECK (kind IN ('imagine', 'edit', 'reroll', 'upscale')),
      -- No foreign key: a button may name a job from a database that was since replaced.
      parent_id       text,
      request         jsonb  NOT NULL,
      provider        text   NOT NULL,
      model           text   NOT NULL,
      unit_cost       bigint NOT NULL CHECK (unit_cost >= 0),
      cost            bigint NOT NULL CHECK (cost >= 0),
      held            bigint NOT NULL CHECK (held >= 0 AND held <= cost),
      captured        bigint NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= cost),
      status          text   NOT NULL
                      CHECK (status IN ('queued', 'running', 'delivering', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      error_code      text,
      error_message   text,
      outputs         jsonb  NOT NULL DEFAULT '[]',
      created_at      bigint NOT NULL,
      started_at      bigint,
      finished_at     bigint,
      -- The instance running this unsettled job. No foreign key: an instance's row goes when it
      -- ends, its settled jobs stay.
      owner           text,
      -- An unsettled job holds its whole cost; a settled one holds nothing and has finished.
      CHECK (CASE WHEN status IN ('queued', 'running', 'delivering') THEN held = cost AND captured = 0
                  ELSE held = 0 AND finished_at IS NOT NULL END)
    );

    -- Every index below is written by each credit movement, so there are as few as the reads need.
    -- /history and \`jobs list --account\`: an account's newest jobs come off the end of its range.
    CREATE INDEX jobs_account ON jobs (account_key, seq);
    -- Unsettled jobs oldest first (recovery, queue counts). Partial: a job leaves it when it
    -- settles, so it stays as small as the queue.
    CREATE INDEX jobs_unsettled ON jobs (created_at, seq) WHERE status IN ('queued', 'running', 'delivering');

    CREATE TABLE ledger (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_key text   NOT NULL REFERENCES accounts (key),
      kind        text   NOT NULL CHECK (kind IN ('starting', 'grant', 'adjust', 'hold', 'capture', 'release')),
      delta       bigint NOT NULL,
      held_delta  bigint NOT NULL,
      job_id      text   REFERENCES jobs (id),
      actor       text,
      reason      text,
      at          bigint NOT NULL,
      -- Each kind moves credits in one direction only; job movements name their job.
      CHECK (CASE kind
        WHEN 'starting' THEN delta >= 0 AND held_delta = 0 AND job_id IS NULL
        WHEN 'grant'    THEN delta > 0 AND held_delta = 0 AND job_id IS NULL
        WHEN 'adjust'   THEN held_delta = 0 AND job_id IS NULL
        WHEN 'hold'     THEN delta < 0 AND held_delta = -delta AND job_id IS NOT NULL
        WHEN 'capture'  THEN delta = 0 AND held_delta < 0 AND job_id IS NOT NULL
        WHEN 'release'  THEN delta > 0 AND held_delta = -delta AND job_id IS NOT NULL
      END)
    );

    -- An account's latest rows, newest at the end. No index on job_id: only \`db check\` reads by
    -- job, and jobs are never deleted or re-keyed, so the foreign key never looks ledger rows up by job.
    CREATE INDEX ledger_account ON ledger (account_key, id);

    -- The ledger is the audit trail: rows are only ever added.
    CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger rows are append-only';
    END
    $$;
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
    CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

    -- Per-guild/workspace defaults (later).
    CREATE TABLE settings (
      scope text  NOT NULL,
      key   text  NOT NULL,
      value jsonb NOT NULL,
      PRIMARY KEY (scope, key)
    );

    -- Every process sharing the database, with the lease it renews.
    CREATE TABLE instances (
      id          text    NOT NULL PRIMARY KEY,
      role        text    NOT NULL CHECK (role IN ('bot', 'cli')),
      host        text    NOT NULL,
      pid         integer NOT NULL,
      started_at  bigint  NOT NULL,
      lease_until bigint  NOT NULL
    );

    -- One row per limited resource a running job holds; the primary key counts a pool's slots.
    -- Slots of an instance that is gone stop counting, and go with its row.
    CREATE TABLE slots (
      pool   text NOT NULL,
      job_id text NOT NULL,
      owner  text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      PRIMARY KEY (pool, job_id)
    );
    -- Releasing a job's slots, and the cascade from instances.
    CREATE INDEX slots_job ON slots (job_id);
    CREATE INDEX slots_owner ON slots (owner);
  `,
} as const satisfies PostgresMigration;
