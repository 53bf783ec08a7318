/**
 * Reads a JSON column. The schema checks `json_valid` and only the repositories write these columns,
 * from typed values, so the shape is trusted rather than re-validated on every read.
 */
export function readJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Writes a JSON column. */
export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}
