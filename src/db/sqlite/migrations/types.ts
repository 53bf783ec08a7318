/**
 * One schema step. Migrations are numbered from 1 with no gaps and are never edited once released:
 * a change to the schema is a new migration. They are TypeScript modules, not `.sql` files, so `tsc`
 * ships them in `dist` with no copy step.
 */
export interface Migration {
  /** The `PRAGMA user_version` the database has after this step. */
  readonly version: number;
  /** A short name for logs and `db migrate` output. */
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly up: string;
  /**
   * Runs with foreign-key enforcement off (it cannot change inside a transaction), as SQLite's
   * table-rebuild procedure requires; the keys are checked before the step commits.
   */
  readonly foreignKeysOff?: boolean;
}
