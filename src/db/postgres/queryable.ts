import pg from 'pg';

/**
 * What a repository runs its statements on: the pool outside a transaction (each statement on
 * whichever connection is free, committed on its own), or the one connection of a transaction.
 * Repositories take this rather than a `pg` type so that one class serves both.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The SQLSTATE of an error the server raised (`23505`, `40P01`…); undefined for any other error. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/**
 * The same queryable, with NUL characters removed from text parameters. PostgreSQL refuses NUL in
 * text and jsonb where SQLite stores it; none of the product's text means anything with one, and a
 * provider's error message or a display name carrying one must not make a credit movement fail.
 * (JSON columns are written without NULs by `writeJson`.)
 */
export function withoutNul(q: Queryable): Queryable {
  return {
    query: (text, values) => q.query(text, values?.map(stripNul)),
  };
}

function stripNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '') : value;
  return Array.isArray(value) ? value.map(stripNul) : value;
}
