// Client-safe (no driver imports): plugin-api/index re-exports it, and browser bundles reach that module.

/** Rows of `db.execute()`, which PGlite returns as `{ rows }` and postgres.js as an array. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
