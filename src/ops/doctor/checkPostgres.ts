import { checkPostgres } from '../../db/postgres/check.js';
import { postgresLocation } from '../../db/postgres/location.js';
import { postgresSchemaVersion } from '../../db/postgres/migrate.js';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../db/postgres/migrations/index.js';
import { createPostgresPool } from '../../db/postgres/pool.js';
import { ledgerVerdict } from './ledgerVerdict.js';
import type { CheckResult } from './types.js';

const NAME = 'database';

/**
 * Checks the PostgreSQL database (`DATABASE_URL`) without changing it: it connects, reads the schema
 * version (an empty database is fine: the bot creates the schema) and, at the current schema, runs
 * `db check`'s integrity and ledger checks in one read-only snapshot. Messages name the database
 * without its password.
 */
export async function checkPostgresDatabase(url: string): Promise<CheckResult> {
  const location = postgresLocation(url);
  const pool = createPostgresPool(url, { max: 1 });
  try {
    let version: number;
    try {
      version = await postgresSchemaVersion(pool);
    } catch (error) {
      return {
        name: NAME,
        status: 'fail',
        detail: `cannot reach ${location}: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'Check DATABASE_URL (host, port, user, password, database name) and that the server accepts connections from here.',
      };
    }
    if (version > LATEST_POSTGRES_SCHEMA_VERSION) {
      return {
        name: NAME,
        status: 'fail',
        detail: `${location} has schema ${version}, newer than this build knows (${LATEST_POSTGRES_SCHEMA_VERSION})`,
        fix: 'Run the newer nano-imagine that migrated it.',
      };
    }
    if (version < LATEST_POSTGRES_SCHEMA_VERSION) {
      return {
        name: NAME,
        status: version === 0 ? 'ok' : 'warn',
        detail: version === 0 ? `${location} is empty; the bot creates the schema (${LATEST_POSTGRES_SCHEMA_VERSION}) when it starts` : `${location} has schema ${version} of ${LATEST_POSTGRES_SCHEMA_VERSION}; ledger not checked`,
        ...(version === 0 ? {} : { fix: 'Start the bot or run `nano-imagine db migrate` to apply the pending migrations (pg_dump first to keep the old version).' }),
      };
    }
    return ledgerVerdict(await checkPostgres(pool), `${location} (PostgreSQL, schema ${version}), integrity and ledger ok`, 'Restore the latest pg_dump (README: Scaling out).');
  } finally {
    await pool.end();
  }
}
