/**
 * One PostgreSQL schema step. Numbered from 1 with no gaps and never edited once released: a change
 * to the schema is a new migration. The numbers are PostgreSQL's own (its first migration is SQLite's
 * first three together); `schema_migrations` records which ran. TypeScript modules, not `.sql` files,
 * so that `tsc` ships them in `dist` with no copy step.
 */
export interface PostgresMigration {
  /** The row this step adds to `schema_migrations`. */
  readonly version: number;
  /** A short name for logs and `db migrate` output. */
  readonly name: string;
  /** SQL run inside the migration's transaction; several statements, no parameters. */
  readonly up: string;
}
