import { openPostgresStore, type OpenPostgresStoreOptions, type PostgresStore } from '../../../../src/db/postgres/store.js';
import { createTestDatabase } from '../../../support/postgresTest.js';
import type { StoreUnderTest } from '../storeContract.js';

/** A migrated store on an empty database of the test's own; `cleanup` closes it and drops its tables. */
export interface TestStore extends StoreUnderTest {
  readonly store: PostgresStore;
  /** The database's URL, to open more stores on it (as other processes would). */
  readonly url: string;
  /** Another store on the same database, closed by `cleanup` too. */
  another(options?: OpenPostgresStoreOptions): Promise<PostgresStore>;
}

export async function openTestStore(options: OpenPostgresStoreOptions = {}): Promise<TestStore> {
  const database = await createTestDatabase();
  const stores = [await openPostgresStore(database.url, options)];
  return {
    store: stores[0]!,
    url: database.url,
    another: async (more = options) => {
      const store = await openPostgresStore(database.url, more);
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await database.drop();
    },
  };
}
