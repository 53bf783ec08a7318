import { inject, type ProvidedContext } from 'vitest';
import { createDatabase, execute, uniqueName } from './postgresDatabases.js';

/** The URL of the server the run shares (postgresGlobalSetup.ts); throws why there is none. */
export function postgresServerUrl(): string {
  // Undefined in a file outside the `postgres` project, which has no global setup.
  const server = inject('postgres') as ProvidedContext['postgres'] | undefined;
  if (!server) throw new Error('No PostgreSQL server: tests that need one go under a postgres/ directory (vitest.config.ts)');
  if ('error' in server) throw new Error(`No PostgreSQL server for this test: ${server.error}`);
  return server.url;
}

/** Where a test keeps its tables, and how to drop them. */
export interface TestDatabase {
  /** Connects with `search_path` set to the test's own, empty schema. */
  readonly url: string;
  drop(): Promise<void>;
}

let fileDatabase: Promise<string> | undefined;

/**
 * An empty schema of the test's own, in a database this test file creates on first use: a
 * schema takes a few milliseconds where a database takes a few hundred, and the store keeps to its
 * `search_path`. Advisory locks are per database, so stores of one file wait on each other's locks
 * (as several processes sharing a database do).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  fileDatabase ??= createDatabase(postgresServerUrl());
  const databaseUrl = await fileDatabase;
  const schema = uniqueName('s');
  await execute(databaseUrl, `CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => execute(databaseUrl, `DROP SCHEMA ${schema} CASCADE`) };
}
