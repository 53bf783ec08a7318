import type pg from 'pg';
import type { AccountMismatch, DatabaseCheck, JobMismatch } from '../../core/databaseAdmin.js';
import { checkPostgresIntegrity } from './integrity.js';

/** The invariants of src/db/sqlite/check.ts, in PostgreSQL's words. Keys sort bytewise, as there. */
const ACCOUNT_MISMATCHES = `
  SELECT a.key AS "accountKey", a.balance, a.held,
         COALESCE(l.delta, 0) AS "ledgerDelta", COALESCE(l.held_delta, 0) AS "ledgerHeldDelta",
         COALESCE(j.held, 0) AS "jobsHeld"
  FROM accounts a
  LEFT JOIN (SELECT account_key, SUM(delta) AS delta, SUM(held_delta) AS held_delta
             FROM ledger GROUP BY account_key) l ON l.account_key = a.key
  LEFT JOIN (SELECT account_key, SUM(held) AS held
             FROM jobs WHERE status IN ('queued', 'running', 'delivering') GROUP BY account_key) j ON j.account_key = a.key
  WHERE a.balance <> COALESCE(l.delta, 0) OR a.held <> COALESCE(l.held_delta, 0) OR a.held <> COALESCE(j.held, 0)
  ORDER BY a.key COLLATE "C"`;

// PostgreSQL's HAVING cannot name the select list's aliases, so the sums are taken first and
// compared outside.
const JOB_MISMATCHES = `
  SELECT "jobId", "accountKey", status, cost, held, captured, "ledgerHeld", "ledgerCaptured", "ledgerReleased"
  FROM (
    SELECT j.id AS "jobId", j.account_key AS "accountKey", j.status, j.cost, j.held, j.captured, j.created_at, j.seq,
           COALESCE(SUM(l.held_delta) FILTER (WHERE l.kind = 'hold'), 0) AS "ledgerHeld",
           COALESCE(SUM(-l.held_delta) FILTER (WHERE l.kind = 'capture'), 0) AS "ledgerCaptured",
           COALESCE(SUM(l.delta) FILTER (WHERE l.kind = 'release'), 0) AS "ledgerReleased",
           COUNT(*) FILTER (WHERE l.kind = 'hold') AS holds,
           COUNT(*) FILTER (WHERE l.kind = 'capture') AS captures,
           COUNT(*) FILTER (WHERE l.kind = 'release') AS releases,
           COUNT(*) FILTER (WHERE l.account_key <> j.account_key) AS strays
    FROM jobs j LEFT JOIN ledger l ON l.job_id = j.id
    GROUP BY j.id
  ) per_job
  WHERE holds <> CASE WHEN cost > 0 THEN 1 ELSE 0 END
     OR captures > 1
     OR releases > 1
     OR strays > 0
     OR "ledgerHeld" <> cost
     OR "ledgerCaptured" <> captured
     OR "ledgerHeld" - "ledgerCaptured" - "ledgerReleased" <> held
  ORDER BY created_at, seq`;

/**
 * Audits the database: {@link checkPostgresIntegrity}, then the credit invariants (DESIGN §5) for
 * every account and job. One read-only REPEATABLE READ transaction, so every query sees the same
 * snapshot while the bots keep writing. Expects the current schema.
 */
export async function checkPostgres(pool: pg.Pool): Promise<DatabaseCheck> {
  const client = await pool.connect();
  let healthy = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result: DatabaseCheck = {
      integrity: await checkPostgresIntegrity(client),
      invariant: (await client.query<AccountMismatch>(ACCOUNT_MISMATCHES)).rows,
      jobs: (await client.query<JobMismatch>(JOB_MISMATCHES)).rows,
    };
    await client.query('COMMIT');
    healthy = true;
    return result;
  } finally {
    // Nothing was written: a failed check's connection is closed, which ends its transaction.
    client.release(!healthy);
  }
}
