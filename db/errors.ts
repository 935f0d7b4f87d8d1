/**
 * The unique constraint a failed write broke (PostgreSQL 23505), or null for any other error.
 * Drivers and drizzle wrap the database's error, so the whole `cause` chain is searched.
 */
export function uniqueViolation(error: unknown): string | null {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const err = e as { code?: unknown; constraint?: string; constraint_name?: string; message?: string };
    if (err.code === "23505") return err.constraint ?? err.constraint_name ?? err.message ?? "unique";
  }
  return null;
}
