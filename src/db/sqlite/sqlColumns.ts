/** Builds column lists for SQL from a repository's typed column names, so they are written once. */

/** `a, b, c` */
export function columnList(columns: readonly string[]): string {
  return columns.join(', ');
}

/** `@a, @b, @c`: better-sqlite3 binds each from the property of the same name. */
export function namedValues(columns: readonly string[]): string {
  return columns.map((c) => `@${c}`).join(', ');
}
