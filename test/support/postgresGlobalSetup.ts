import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server the `postgres` project's tests share, or why it could not start. */
    postgres: { readonly url: string } | { readonly error: string };
  }
}

/**
 * Vitest global setup of the `postgres` project (vitest.config.ts): one server for every test file
 * that needs one, each of which makes its own databases on it (see postgresTest.ts). It runs only
 * when such files are selected. A server that cannot start fails those files, with the reason, and
 * not the rest of the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const server = await startPostgres();
    project.provide('postgres', { url: server.url });
    return () => server.stop();
  } catch (error) {
    project.provide('postgres', { error: error instanceof Error ? error.message : String(error) });
    return () => Promise.resolve();
  }
}
