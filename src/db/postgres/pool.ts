import pg from 'pg';
import type { Logger } from 'pino';

/** Options for {@link createPostgresPool}. */
export interface PostgresPoolOptions {
  /**
   * Connections at most. Each transaction holds one for its whole length.
   * @defaultValue 10
   */
  readonly max?: number;
  /** Told when an idle connection breaks (the server restarted, a proxy dropped it). */
  readonly logger?: Logger;
}

/** How long getting a connection may take before the statement fails, rather than hang on a dead host. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * int8 (bigint: balances, times, ids, `count(*)`) and numeric (`sum` of bigints) as JS numbers, not
 * the strings `pg` returns by default. Every amount and time the schema stores fits in 2^53; a value
 * that does not fails the query loudly instead of losing digits. Set on each pool, never on the
 * global `pg.types`, so that other users of `pg` in the process keep theirs.
 */
function parseExactInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`PostgreSQL returned ${text}, which is not an integer a JavaScript number holds exactly`);
  }
  return value;
}

const INTEGERS = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    INTEGERS.has(oid) && format !== 'binary' ? parseExactInteger : (pg.types.getTypeParser(oid, format) as unknown),
};

/**
 * A connection pool for `url` with the store's type parsing. Connections are opened on demand; the
 * first statement fails if the server cannot be reached or refuses the credentials.
 */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'nano-imagine',
    types,
  });
  // A connection that breaks while idle in the pool is an 'error' event: without a listener it would
  // end the process. The pool has already dropped that connection and opens another when needed.
  // pg's messages name the host and the user, never the password.
  pool.on('error', (error) => {
    options.logger?.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool will open another');
  });
  return pool;
}
