import { parseArgs } from 'node:util';
import type { CliCore } from '../CliCore.js';
import { AppError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage.js';

/** `db backup FILE | db migrate | db check [--json]` */
export async function dbCommand(core: CliCore, argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const [verb, file, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  switch (verb) {
    case 'backup': {
      if (!file) throw new UsageError('usage: db backup FILE');
      try {
        await core.admin.backup(file);
      } catch (error) {
        // A refused target is a bad argument (exit 2), like any other.
        if (error instanceof AppError && error.code === 'db_backup_refused') throw new UsageError(error.message);
        throw error;
      }
      io.out(`backed up ${core.admin.location} to ${file}`);
      return 0;
    }
    case 'migrate': {
      // Opening the database applied every pending migration.
      io.out(`database ${core.admin.location} is at schema version ${await core.admin.schemaVersion()}`);
      return 0;
    }
    case 'check': {
      const report = await core.admin.check();
      const ok = report.integrity === 'ok' && report.invariant.length === 0 && report.jobs.length === 0;
      if (values.json) io.out(JSON.stringify({ ok, ...report }));
      else {
        io.out(`integrity: ${report.integrity === 'ok' ? 'ok' : report.integrity.join('; ')}`);
        io.out(report.invariant.length === 0 ? 'ledger: ok (every balance and hold matches its ledger)' : `ledger: ${report.invariant.length} account(s) do not match their ledger`);
        for (const row of report.invariant) io.out(`  ${JSON.stringify(row)}`);
        io.out(report.jobs.length === 0 ? 'jobs: ok (every job’s holds and charges match the ledger)' : `jobs: ${report.jobs.length} job(s) do not match the ledger`);
        for (const row of report.jobs) io.out(`  ${JSON.stringify(row)}`);
      }
      return ok ? 0 : 1;
    }
    default:
      throw new UsageError(`db takes backup, migrate or check, got ${JSON.stringify(verb ?? '')}`);
  }
}
