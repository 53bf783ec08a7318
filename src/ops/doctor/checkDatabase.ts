import { existsSync } from 'node:fs';
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/open.js';
import { checkDatabase } from '../../db/check.js';
import { schemaVersion } from '../../db/migrate.js';
import type { CheckResult } from './types.js';

/** Opens the database (applying migrations, as the bot would), runs the integrity check and the ledger invariant. */
export function checkDatabaseFile(config: Config): CheckResult {
  const name = 'database';
  const fresh = !existsSync(config.databasePath);
  try {
    const db = openDatabase(config.databasePath);
    try {
      const report = checkDatabase(db);
      if (report.integrity !== 'ok') {
        return { name, status: 'fail', detail: `integrity check: ${report.integrity.slice(0, 3).join('; ')}`, fix: 'Stop the bot and restore the latest backup (README: Back up and restore).' };
      }
      if (report.invariant.length > 0 || report.jobs.length > 0) {
        return {
          name,
          status: 'fail',
          detail: `${report.invariant.length} account(s) and ${report.jobs.length} job(s) do not match the ledger`,
          fix: 'Run `nano-imagine db check` for the list and report it; the ledger is the record of truth.',
        };
      }
      return { name, status: 'ok', detail: `${config.databasePath} (schema ${schemaVersion(db)}${fresh ? ', created now' : ''}), integrity and ledger ok` };
    } finally {
      db.close();
    }
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: error instanceof Error ? error.message : String(error),
      fix: 'Check DATABASE_PATH, that its folder is writable, and that no newer version wrote the file.',
    };
  }
}
