/** Builds SQL from the shared row types' column lists (src/db/rows.ts), so they are written once. */

/** `a, b, c` */
export function columnList(columns: readonly string[]): string {
  return columns.join(', ');
}

/** `$1, $2, … $n`: PostgreSQL binds parameters by position. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
}

/** A row's values in the order of `columns`, to bind to {@link placeholders}. */
export function valuesOf<R extends object>(row: R, columns: readonly (keyof R)[]): unknown[] {
  return columns.map((column) => row[column]);
}
