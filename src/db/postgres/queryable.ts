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
