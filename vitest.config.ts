import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that need a PostgreSQL server; the `postgres` project starts one only when they run. */
const POSTGRES_TESTS = 'test/**/postgres/**/*.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // Forks keep native modules (better-sqlite3, sharp) isolated per file.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    restoreMocks: true,
    // CI reads the counts from the JSON report (.ci/run); people read the default one.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, POSTGRES_TESTS] } },
      { extends: true, test: { name: 'postgres', include: [POSTGRES_TESTS], globalSetup: ['test/support/postgresGlobalSetup.ts'] } },
    ],
  },
});
