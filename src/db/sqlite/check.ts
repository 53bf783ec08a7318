import type { AccountMismatch, DatabaseCheck, JobMismatch } from '../../core/databaseAdmin.js';
import type { SqliteDatabase } from './types.js';

const ACCOUNT_MISMATCHES = `
  SELECT a.key AS accountKey, a.balance, a.held,
         COALESCE(l.delta, 0) AS ledgerDelta, COALESCE(l.held_delta, 0) AS ledgerHeldDelta,
         COALESCE(j.held, 0) AS jobsHeld
  FROM accounts a
  LEFT JOIN (SELECT account_key, SUM(delta) AS delta, SUM(held_delta) AS held_delta
             FROM ledger GROUP BY account_key) l ON l.account_key = a.key
  LEFT JOIN (SELECT account_key, SUM(held) AS held
             FROM jobs WHERE status IN ('queued', 'running', 'delivering') GROUP BY account_key) j ON j.account_key = a.key
  WHERE a.balance <> COALESCE(l.delta, 0) OR a.held <> COALESCE(l.held_delta, 0) OR a.held <> COALESCE(j.held, 0)
  ORDER BY a.key`;

const JOB_MISMATCHES = `
  SELECT j.id AS jobId, j.account_key AS accountKey, j.status, j.cost, j.held, j.captured,
         COALESCE(SUM(CASE WHEN l.kind = 'hold' THEN l.held_delta END), 0) AS ledgerHeld,
         COALESCE(SUM(CASE WHEN l.kind = 'capture' THEN -l.held_delta END), 0) AS ledgerCaptured,
         COALESCE(SUM(CASE WHEN l.kind = 'release' THEN l.delta END), 0) AS ledgerReleased
  FROM jobs j LEFT JOIN ledger l ON l.job_id = j.id
  GROUP BY j.id
  HAVING COUNT(CASE WHEN l.kind = 'hold' THEN 1 END) <> (j.cost > 0)
      OR COUNT(CASE WHEN l.kind = 'capture' THEN 1 END) > 1
      OR COUNT(CASE WHEN l.kind = 'release' THEN 1 END) > 1
      OR COUNT(CASE WHEN l.account_key <> j.account_key THEN 1 END) > 0
      OR ledgerHeld <> j.cost
      OR ledgerCaptured <> j.captured
      OR ledgerHeld - ledgerCaptured - ledgerReleased <> j.held
  ORDER BY j.created_at, j.rowid`;

/**
 * SQLite's own integrity and foreign-key checks, which hold for any schema version. Reads only.
 * @returns `'ok'`, or every problem found.
 */
export function checkIntegrity(db: SqliteDatabase): 'ok' | string[] {
  const problems = [
    ...(db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).filter((message) => message !== 'ok'),
    ...(db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[]).map(
      (row) => `${row.table} row ${String(row.rowid)} refers to a missing ${row.parent} row`,
    ),
  ];
  return problems.length === 0 ? 'ok' : problems;
}

/**
 * Audits the database: {@link checkIntegrity}, then the credit invariants (DESIGN §5) for every
 * account and job. Reads only, in one snapshot, so it is safe on a live file and on a read-only
 * handle. Expects the current schema.
 */
export function checkDatabase(db: SqliteDatabase): DatabaseCheck {
  return db
    .transaction(
      (): DatabaseCheck => ({
        integrity: checkIntegrity(db),
        invariant: db.prepare<[], AccountMismatch>(ACCOUNT_MISMATCHES).all(),
        jobs: db.prepare<[], JobMismatch>(JOB_MISMATCHES).all(),
      }),
    )
    .deferred();
}
