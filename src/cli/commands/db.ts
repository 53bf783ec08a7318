import { parseArgs } from 'node:util';
import type { CliCore } from '../CliCore.js';
import { AppError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage.js';

/** `db backup FILE | db migrate | db check [--json] | db copy --to URL [--json]` */
export async function dbCommand(core: CliCore, argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, to: { type: 'string' } },
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
    case 'copy': {
      if (file !== undefined) throw new UsageError(`unexpected argument: ${file}`);
      if (!values.to || !/^postgres(ql)?:\/\//.test(values.to)) throw new UsageError('usage: db copy --to postgres://user:password@host:5432/database');
      let report;
      try {
        report = await core.admin.copyTo(values.to);
      } catch (error) {
        if (error instanceof AppError && error.code === 'db_copy_refused') throw new UsageError(error.message);
        throw error;
      }
      if (values.json) io.out(JSON.stringify({ ok: true, ...report }));
      else {
        io.out(`copied ${core.admin.location} to ${report.location}: ${Object.entries(report.rows).map(([table, n]) => `${n} ${table}`).join(', ')}`);
        io.out('ledger: ok on both (every balance and hold matches its ledger, and the two databases agree)');
        io.out('next: stop every bot on the SQLite file, set DATABASE_URL (and unset DATABASE_PATH), start them');
      }
      return 0;
    }
    default:
      throw new UsageError(`db takes backup, migrate, check or copy, got ${JSON.stringify(verb ?? '')}`);
  }
}
