import type { Logger } from 'pino';
import type { CopyReport, DatabaseCheck } from '../core/databaseAdmin.js';
import { AppError } from '../core/errors.js';
import type pg from 'pg';
import { checkPostgresOn } from './postgres/check.js';
import { openPostgresStore } from './postgres/store.js';
import type { Queryable } from './postgres/queryable.js';
import { ACCOUNT_COLUMNS, JOB_COLUMNS, NEW_LEDGER_COLUMNS } from './rows.js';
import { checkDatabase } from './sqlite/check.js';
import type { SqliteDatabase } from './sqlite/types.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table (jobs, 23 columns). */
const BATCH = 500;

/** What is copied, table by table, in this order (the ledger and jobs refer to accounts, the ledger to jobs). */
const TABLES = [
  { name: 'accounts', columns: ACCOUNT_COLUMNS, order: 'key', identity: false },
  // Insertion order: PostgreSQL's `seq` then gives the same newest-first order as SQLite's rowid.
  { name: 'jobs', columns: JOB_COLUMNS, order: 'rowid', identity: false },
  // Ids kept (OVERRIDING SYSTEM VALUE): they are the audit trail's order and what people quote.
  { name: 'ledger', columns: ['id', ...NEW_LEDGER_COLUMNS], order: 'id', identity: true },
  { name: 'settings', columns: ['scope', 'key', 'value'], order: 'scope, key', identity: false },
] as const;

/**
 * Copies a SQLite database into an empty PostgreSQL one (`db copy --to`), in one PostgreSQL
 * transaction: either everything arrives or nothing does. The source must pass `db check` first;
 * afterwards the target must pass it too and agree with the source row for row on every account's
 * balance and hold and on each table's count. Processes (`instances`) and their slots are not
 * copied: unfinished jobs are released by the first bot that starts on the target.
 *
 * @throws AppError `db_copy_refused` when the source fails its check or the target is not empty;
 *   `db_copy_failed` when the copy does not prove out (nothing is left half-copied: the check runs
 *   before the transaction commits).
 */
export async function copyToPostgres(source: SqliteDatabase, url: string, logger?: Logger): Promise<CopyReport> {
  const sourceCheck = checkDatabase(source);
  if (!healthy(sourceCheck)) {
    throw new AppError('db_copy_refused', `${source.name} does not pass \`db check\`; repair or restore it before copying it.`);
  }
  const target = await openPostgresStore(url, logger ? { logger } : {});
  try {
    const { rows, check } = await runCopy(target.pool, source, target.location);
    return { source: sourceCheck, target: check, rows, location: target.location };
  } finally {
    await target.close();
  }
}

async function runCopy(pool: pg.Pool, source: SqliteDatabase, location: string): Promise<{ rows: Record<string, number>; check: DatabaseCheck }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await refuseNonEmpty(client, location);
      const counts: Record<string, number> = {};
      for (const table of TABLES) counts[table.name] = await copyTable(client, source, table);
      await client.query("SELECT setval(pg_get_serial_sequence('ledger', 'id'), COALESCE((SELECT max(id) FROM ledger), 0) + 1, false)");
      await proveSame(client, source);
      // Proven before it commits: a target that fails its own check keeps nothing.
      const check = await checkPostgresOn(client);
      if (!healthy(check)) throw new AppError('db_copy_failed', `The copy in ${location} does not pass \`db check\`; nothing was copied.`);
      await client.query('COMMIT');
      return { rows: counts, check };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

async function refuseNonEmpty(q: Queryable, location: string): Promise<void> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM jobs) + (SELECT count(*) FROM ledger) + (SELECT count(*) FROM settings) AS n',
  );
  if (rows[0]!.n > 0) {
    throw new AppError('db_copy_refused', `${location} is not empty: copy into a new, empty database (it is created with the schema on first use).`);
  }
}

async function copyTable(
  q: Queryable,
  source: SqliteDatabase,
  table: { name: string; columns: readonly string[]; order: string; identity: boolean },
): Promise<number> {
  const columns = table.columns.join(', ');
  let copied = 0;
  let batch: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const width = table.columns.length;
    const tuples = batch.map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    const overriding = table.identity ? ' OVERRIDING SYSTEM VALUE' : '';
    await q.query(`INSERT INTO ${table.name} (${columns})${overriding} VALUES ${tuples}`, batch.flat());
    copied += batch.length;
    batch = [];
  };
  for (const row of source.prepare(`SELECT ${columns} FROM ${table.name} ORDER BY ${table.order}`).raw().iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  return copied;
}

/** Every account's balance and hold, and each table's row count, agree between the two databases. */
async function proveSame(q: Queryable, source: SqliteDatabase): Promise<void> {
  const sourceAccounts = source.prepare('SELECT key, balance, held FROM accounts ORDER BY key').all() as { key: string; balance: number; held: number }[];
  const { rows: targetAccounts } = await q.query<{ key: string; balance: number; held: number }>('SELECT key, balance, held FROM accounts ORDER BY key COLLATE "C"');
  const differs = sourceAccounts.length !== targetAccounts.length ||
    sourceAccounts.some((a, i) => {
      const b = targetAccounts[i]!;
      return a.key !== b.key || a.balance !== b.balance || a.held !== b.held;
    });
  if (differs) throw new AppError('db_copy_failed', 'The copied accounts do not match the source; nothing was copied.');
  for (const table of TABLES) {
    const expected = (source.prepare(`SELECT count(*) AS n FROM ${table.name}`).get() as { n: number }).n;
    const { rows } = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table.name}`);
    if (rows[0]!.n !== expected) throw new AppError('db_copy_failed', `The copied ${table.name} table has ${rows[0]!.n} rows, the source ${expected}; nothing was copied.`);
  }
}

function healthy(check: DatabaseCheck): boolean {
  return check.integrity === 'ok' && check.invariant.length === 0 && check.jobs.length === 0;
}
