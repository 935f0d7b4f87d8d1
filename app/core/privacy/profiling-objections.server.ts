// Objection to profiling (UU PDP Art 10): recorded here, honoured by everything that scores people.
import { eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { profilingObjections } from "../../../db/schema/index.ts";
import { deleteContactScores } from "../analytics/rfm-snapshots.server.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";

export type ProfilingObjectionSource = (typeof profilingObjections.$inferInsert)["source"];

/** Records that a person objects to profiling (idempotent; audited) and deletes their scores. */
export async function objectToProfiling(db: Database, actor: Actor, contactId: string, source: ProfilingObjectionSource) {
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(profilingObjections)
      .values({ contactId, source, recordedBy: "userId" in actor ? actor.userId : null })
      .onConflictDoNothing()
      .returning({ contactId: profilingObjections.contactId });
    // scores already made go with the objection (UU PDP Art 10), even when it was on record before
    const scoresDeleted = await deleteContactScores(tx, contactId);
    if (inserted.length) await audit(tx, actor, { action: "privacy.profiling.objected", entityType: "contact", entityId: contactId, data: { source, scoresDeleted } });
  });
}

/** Withdraws an objection: the person may be scored again from the next run. */
export async function withdrawProfilingObjection(db: Database, actor: Actor, contactId: string) {
  const removed = await db.delete(profilingObjections).where(eq(profilingObjections.contactId, contactId)).returning({ contactId: profilingObjections.contactId });
  if (removed.length) await audit(db, actor, { action: "privacy.profiling.objectionWithdrawn", entityType: "contact", entityId: contactId });
}

export async function hasObjectedToProfiling(db: Database, contactId: string) {
  const [row] = await db.select({ contactId: profilingObjections.contactId }).from(profilingObjections).where(eq(profilingObjections.contactId, contactId));
  return Boolean(row);
}

/** SQL condition: the contact in `contactIdColumn` may be profiled (has not objected). */
export function mayBeProfiled(contactIdColumn: SQL | string): SQL {
  const column = typeof contactIdColumn === "string" ? sql.raw(contactIdColumn) : contactIdColumn;
  return sql`not exists (select 1 from profiling_objections po where po.contact_id = ${column})`;
}
