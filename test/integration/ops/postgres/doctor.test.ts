import { describe, expect, it } from 'vitest';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../../../src/db/postgres/migrations/index.js';
import { openPostgresStore } from '../../../../src/db/postgres/store.js';
import { runDoctor } from '../../../../src/ops/doctor/runDoctor.js';
import { freePort } from '../../../support/freePort.js';
import { createTestDatabase } from '../../../support/postgresTest.js';

const databaseCheck = async (url: string) => (await runDoctor({ DATABASE_URL: url })).find((r) => r.name === 'database');

describe('doctor on PostgreSQL', () => {
  it('says an empty database is fine (the bot creates the schema), and checks a migrated one', async () => {
    const db = await createTestDatabase();
    try {
      expect(await databaseCheck(db.url)).toMatchObject({ status: 'ok', detail: expect.stringMatching(/is empty; the bot creates the schema/) as unknown });
      const store = await openPostgresStore(db.url);
      await store.close();
      expect(await databaseCheck(db.url)).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(new RegExp(`PostgreSQL, schema ${LATEST_POSTGRES_SCHEMA_VERSION}\\), integrity and ledger ok`)) as unknown,
      });
    } finally {
      await db.drop();
    }
  });

  it('fails an unreachable server with what to check, never showing the password', async () => {
    const url = `postgres://nano:s3cret-pass@127.0.0.1:${await freePort()}/nano`;
    const result = await databaseCheck(url);
    expect(result).toMatchObject({ status: 'fail', fix: expect.stringMatching(/Check DATABASE_URL/) as unknown });
    expect(result!.detail).toMatch(/cannot reach postgres:\/\/nano@127\.0\.0\.1/);
    expect(JSON.stringify(result)).not.toContain('s3cret-pass');
  });
});
