import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { sqlState, type Queryable } from './queryable.js';

/**
 * The SQLSTATEs after which running the whole transaction again can succeed: serialization_failure,
 * deadlock_detected, and unique_violation — two processes inserting the same account or idempotency
 * key at once, where the second, run again, finds the first's row.
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/** Attempts in all, the first included. */
export const TRANSACTION_ATTEMPTS = 5;

/**
 * One transaction's connection as its repositories see it. PostgreSQL aborts a transaction at its
 * first failed statement, and every later one fails with "current transaction is aborted"; so the
 * first error, remembered here, decides whether to run the transaction again, even when the
 * callback caught it and went on.
 */
class TransactionConnection implements Queryable {
  readonly #client: pg.PoolClient;
  firstError: unknown = undefined;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#client.query<R>(text, values);
    } catch (error) {
      if (this.firstError === undefined) this.firstError = error;
      throw error;
    }
  }
}

type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly retryable: boolean };

/**
 * Runs `fn` in a READ COMMITTED transaction on one connection of the pool, and runs it again, in a
 * fresh transaction after a short random pause, when it fails with a {@link RETRYABLE} error — up to
 * {@link TRANSACTION_ATTEMPTS} times in all. Any other error rolls back and is rethrown at once.
 */
export async function runTransaction<T>(pool: pg.Pool, fn: (q: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptTransaction(pool, fn);
    if (outcome.ok) return outcome.value;
    if (!outcome.retryable || attempt >= TRANSACTION_ATTEMPTS) throw outcome.error;
    // Jittered and growing (up to 20, 40, 80, 160 ms), so that the racers do not meet again.
    await sleep(Math.random() * 10 * 2 ** attempt);
  }
}

async function attemptTransaction<T>(pool: pg.Pool, fn: (q: Queryable) => Promise<T>): Promise<Attempt<T>> {
  const client = await pool.connect();
  const connection = new TransactionConnection(client);
  let healthy = true;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const value = await fn(connection);
    const commit = await client.query('COMMIT');
    // COMMIT of an aborted transaction rolls back and says so instead of failing: the callback
    // caught a failed statement's error and went on, and none of its writes were kept.
    if (commit.command !== 'COMMIT') return failure(connection.firstError ?? new Error('PostgreSQL rolled the transaction back at COMMIT'));
    return { ok: true, value };
  } catch (error) {
    healthy = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    return failure(error, connection.firstError);
  } finally {
    // A connection whose ROLLBACK failed is closed rather than handed back to the pool.
    client.release(!healthy);
  }
}

/** The callback's own error is what the caller sees; the first failed statement decides the retry. */
function failure(error: unknown, firstError: unknown = error): Attempt<never> {
  return { ok: false, error, retryable: RETRYABLE.has(sqlState(firstError) ?? '') };
}
