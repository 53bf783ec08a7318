import { parseArgs } from 'node:util';
import type { CliCore } from '../CliCore.js';
import { creditsOf } from '../../core/model.js';
import { accountArg } from '../accountArg.js';
import { formatTable, type Column } from '../formatTable.js';
import type { CliIO } from '../io.js';
import { parseWhole, UsageError } from '../usage.js';

/** `jobs list [--account A] [--limit N] [--json]` */
export async function jobsCommand(core: CliCore, argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { account: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError('usage: jobs list [--account A] [--limit N] [--json]');
  const limit = values.limit === undefined ? 20 : parseWhole(values.limit, '--limit', 1);
  const jobs = await core.facade.jobs.history({
    ...(values.account !== undefined ? { accountKey: accountArg(values.account) } : {}),
    limit: Math.min(limit, 1000),
  });
  const rows = jobs.map((j) => ({
    id: j.id,
    account: j.accountKey,
    status: j.status,
    kind: j.kind,
    provider: j.provider,
    model: j.model,
    cost: creditsOf(j),
    createdAt: new Date(j.createdAt).toISOString(),
    finishedAt: j.finishedAt === null ? null : new Date(j.finishedAt).toISOString(),
    error: j.errorCode,
  }));
  if (values.json) {
    io.out(JSON.stringify(rows));
    return 0;
  }
  if (rows.length === 0) io.out('no jobs');
  else for (const line of formatTable(COLUMNS, rows)) io.out(line);
  return 0;
}

interface JobRow {
  readonly createdAt: string;
  readonly id: string;
  readonly status: string;
  readonly kind: string;
  readonly account: string;
  readonly model: string;
  readonly cost: number;
  readonly error: string | null;
}

/** The text table; `--json` carries every field. CREDITS is what the job cost its account. */
const COLUMNS: readonly Column<JobRow>[] = [
  { header: 'CREATED', cell: (r) => r.createdAt },
  { header: 'ID', cell: (r) => r.id },
  { header: 'STATUS', cell: (r) => r.status },
  { header: 'KIND', cell: (r) => r.kind },
  { header: 'ACCOUNT', cell: (r) => r.account },
  { header: 'MODEL', cell: (r) => r.model },
  { header: 'CREDITS', cell: (r) => String(r.cost), align: 'right' },
  { header: 'ERROR', cell: (r) => r.error ?? '' },
];
