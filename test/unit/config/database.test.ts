import { describe, expect, it } from 'vitest';
import { secretsOf } from '../../../src/app/secretsOf.js';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/core/errors.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
};

describe('database configuration', () => {
  it('uses the SQLite file unless DATABASE_URL names a PostgreSQL database', () => {
    expect(parseConfig({})).toMatchObject({ databasePath: './data/nano-imagine.db', databaseUrl: undefined, spoolDir: undefined, instanceLeaseMs: 30_000 });
    const config = parseConfig({ DATABASE_URL: 'postgres://nano:pw@db.internal:5432/nano', SPOOL_DIR: '/spool', INSTANCE_LEASE_SECONDS: '12' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://nano:pw@db.internal:5432/nano', spoolDir: '/spool', instanceLeaseMs: 12_000 });
    expect(parseConfig({ DATABASE_URL: 'postgresql://db/nano' }).databaseUrl).toBe('postgresql://db/nano');
  });

  it('refuses a URL of another kind, both engines at once, and a lease out of range, saying what to do', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://db/nano' })).toEqual([expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL like postgres:\/\//) as unknown]);
    expect(problemsOf({ DATABASE_URL: 'postgres://db/nano', DATABASE_PATH: './x.db' })).toEqual([expect.stringMatching(/both set/) as unknown]);
    expect(problemsOf({ INSTANCE_LEASE_SECONDS: '1' })).toHaveLength(1);
    expect(problemsOf({ INSTANCE_LEASE_SECONDS: 'soon' })).toHaveLength(1);
  });

  it('treats the URL and its password, as written and decoded, as secrets for the logs', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://nano:p%40ss%2Fword@db:5432/nano' });
    expect(secretsOf(config)).toEqual(expect.arrayContaining(['postgres://nano:p%40ss%2Fword@db:5432/nano', 'p%40ss%2Fword', 'p@ss/word']));
  });
});
