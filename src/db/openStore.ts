import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { DatabaseAdmin } from '../core/databaseAdmin.js';
import type { ImageSpool } from '../core/delivery/ImageSpool.js';
import type { Store } from '../core/storePorts.js';
import { FileSpool } from './FileSpool.js';
import { MemorySpool } from './MemorySpool.js';
import { postgresAdmin } from './postgres/admin.js';
import { openPostgresStore } from './postgres/store.js';
import { sqliteAdmin } from './sqlite/admin.js';
import { openDatabase } from './sqlite/open.js';
import { createSqliteStore } from './sqlite/store.js';

/** Which database to open: a SQLite file (the default), or PostgreSQL. */
export interface DatabaseChoice {
  readonly databasePath: string;
  readonly databaseUrl: string | undefined;
  readonly spoolDir: string | undefined;
}

/** An open store with what goes with it. */
export interface OpenedStore {
  readonly store: Store;
  readonly admin: DatabaseAdmin;
  /** Where produced images wait for the platform's confirmation. */
  readonly spool: ImageSpool;
}

/** Where images wait when the database is PostgreSQL and no `SPOOL_DIR` is set. */
const DEFAULT_SPOOL_DIR = './data/spool';

/**
 * Opens (creating and migrating as needed) the configured engine: PostgreSQL when
 * `databaseUrl` is set, else the SQLite file.
 */
export async function openStore(choice: DatabaseChoice, logger?: Logger): Promise<OpenedStore> {
  if (choice.databaseUrl !== undefined) {
    const store = await openPostgresStore(choice.databaseUrl, logger ? { logger } : {});
    return { store, admin: postgresAdmin(store), spool: new FileSpool(choice.spoolDir ?? DEFAULT_SPOOL_DIR) };
  }
  const db = openDatabase(choice.databasePath);
  try {
    const store = createSqliteStore(db);
    // Images wait beside the database they are accounted in.
    const spool = choice.spoolDir
      ? new FileSpool(choice.spoolDir)
      : db.memory
        ? new MemorySpool()
        : new FileSpool(join(dirname(db.name), 'spool'));
    return Promise.resolve({ store, admin: sqliteAdmin(db), spool });
  } catch (error) {
    db.close();
    throw error;
  }
}
