import { parseArgs } from 'node:util';
import type { CliCore } from '../CliCore.js';
import { creditsOf } from '../../core/model.js';
import { accountArg } from '../accountArg.js';
import type { CliIO } from '../io.js';
import { parseWhole, UsageError } from '../usage.js';

/** `jobs list [--account A] [--limit N] [--json]` */
export function jobsCommand(core: CliCore, argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { account: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError('usage: jobs list [--account A] [--limit N] [--json]');
  const limit = values.limit === undefined ? 20 : parseWhole(values.limit, '--limit', 1);
  const jobs = core.facade.jobs.history({
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
  for (const r of rows) {
    io.out(`${r.createdAt}  ${r.id}  ${r.status.padEnd(11)} ${r.kind.padEnd(7)} ${r.account}  ${r.model}  cost ${r.cost}${r.error ? `  (${r.error})` : ''}`);
  }
  return 0;
}
