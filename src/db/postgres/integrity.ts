import pg from 'pg';
import type { Queryable } from './queryable.js';

/**
 * PostgreSQL keeps its own files consistent (WAL, checksums), so there is no `integrity_check` to
 * run. What can still go wrong is what an operator can switch off: triggers and foreign keys
 * (`ALTER TABLE … DISABLE TRIGGER`, `session_replication_role = replica`), constraints added
 * `NOT VALID`, an index left invalid by a failed `CREATE INDEX CONCURRENTLY`. These checks read the
 * catalogue, and the tables for foreign keys, in the current schema.
 */

/** The triggers that keep the ledger append-only (migration 0001). */
const LEDGER_TRIGGERS = ['ledger_no_update', 'ledger_no_delete', 'ledger_no_truncate'] as const;

const SCHEMA = 'current_schema()::regnamespace';

async function ledgerTriggers(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string; enabled: string }>(
    "SELECT tgname AS name, tgenabled AS enabled FROM pg_trigger WHERE tgrelid = to_regclass('ledger') AND NOT tgisinternal",
  );
  const enabled = new Map(rows.map((row) => [row.name, row.enabled]));
  return LEDGER_TRIGGERS.flatMap((name) => {
    const state = enabled.get(name);
    if (state === undefined) return [`the ledger trigger ${name} is missing: ledger rows can be changed or removed`];
    // 'D' disabled; 'R' fires only for replication sessions, so not for the bot.
    if (state === 'D' || state === 'R') return [`the ledger trigger ${name} is disabled: ledger rows can be changed or removed`];
    return [];
  });
}

async function unvalidatedConstraints(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string; relation: string }>(
    `SELECT conname AS name, conrelid::regclass::text AS relation FROM pg_constraint WHERE connamespace = ${SCHEMA} AND NOT convalidated ORDER BY 2, 1`,
  );
  return rows.map((row) => `the constraint ${row.name} on ${row.relation} is not validated: older rows may break it`);
}

async function invalidIndexes(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    'SELECT i.indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ' +
      `WHERE c.relnamespace = ${SCHEMA} AND NOT (i.indisvalid AND i.indisready) ORDER BY 1`,
  );
  return rows.map((row) => `the index ${row.name} is invalid: rebuild it with REINDEX`);
}

interface ForeignKey {
  name: string;
  child: string;
  parent: string;
  child_columns: string[];
  parent_columns: string[];
}

/** Rows whose foreign key points nowhere, as SQLite's `foreign_key_check` finds them, for every key. */
async function brokenForeignKeys(q: Queryable): Promise<string[]> {
  const columns = (rel: string, keys: string) =>
    `array(SELECT a.attname::text FROM unnest(c.${keys}) WITH ORDINALITY AS k(attnum, n) ` +
    `JOIN pg_attribute a ON a.attrelid = c.${rel} AND a.attnum = k.attnum ORDER BY k.n)`;
  const { rows: keys } = await q.query<ForeignKey>(
    'SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent, ' +
      `${columns('conrelid', 'conkey')} AS child_columns, ${columns('confrelid', 'confkey')} AS parent_columns ` +
      `FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = ${SCHEMA} ORDER BY c.conname`,
  );
  const problems: string[] = [];
  for (const key of keys) {
    // regclass::text is already quoted where it needs to be; column names are quoted here.
    const childColumns = key.child_columns.map((column) => `c.${pg.escapeIdentifier(column)}`);
    const matches = key.parent_columns.map((column, i) => `p.${pg.escapeIdentifier(column)} = ${childColumns[i] ?? 'NULL'}`);
    const { rows } = await q.query<{ count: number }>(
      `SELECT count(*) AS count FROM ${key.child} c WHERE ${childColumns.map((column) => `${column} IS NOT NULL`).join(' AND ')} ` +
        `AND NOT EXISTS (SELECT 1 FROM ${key.parent} p WHERE ${matches.join(' AND ')})`,
    );
    const count = rows[0]?.count ?? 0;
    if (count > 0) problems.push(`${count} ${key.child} row(s) refer to a missing ${key.parent} row (${key.name})`);
  }
  return problems;
}

/**
 * The ledger's triggers, validated constraints, valid indexes and intact foreign keys. Reads only.
 * @returns `'ok'`, or every problem found.
 */
export async function checkPostgresIntegrity(q: Queryable): Promise<'ok' | string[]> {
  const problems = [
    ...(await ledgerTriggers(q)),
    ...(await unvalidatedConstraints(q)),
    ...(await invalidIndexes(q)),
    ...(await brokenForeignKeys(q)),
  ];
  return problems.length === 0 ? 'ok' : problems;
}
