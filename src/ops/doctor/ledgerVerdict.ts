import type { DatabaseCheck } from '../../core/databaseAdmin.js';
import type { CheckResult } from './types.js';

/**
 * Doctor's line for a database at the current schema, from what `db check` found: a failed
 * integrity check, accounts or jobs that disagree with the ledger, or `ok` with `okDetail`.
 */
export function ledgerVerdict(report: DatabaseCheck, okDetail: string, restore: string): CheckResult {
  if (report.integrity !== 'ok') return { name: 'database', status: 'fail', detail: `integrity check: ${report.integrity.slice(0, 3).join('; ')}`, fix: restore };
  if (report.invariant.length > 0 || report.jobs.length > 0) {
    return {
      name: 'database',
      status: 'fail',
      detail: `${report.invariant.length} account(s) and ${report.jobs.length} job(s) do not match the ledger`,
      fix: 'Run `nano-imagine db check` for the list and report it; the ledger is the record of truth.',
    };
  }
  return { name: 'database', status: 'ok', detail: okDetail };
}
