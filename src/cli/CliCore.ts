import type { Config } from '../config.js';
import type { DatabaseAdmin } from '../core/databaseAdmin.js';
import type { Facade } from '../core/facade/Facade.js';

/** What a CLI command may use: the application facade, the database-admin port and the configuration. */
export interface CliCore {
  readonly facade: Facade;
  readonly admin: DatabaseAdmin;
  readonly config: Config;
}
