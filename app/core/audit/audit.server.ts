import type { Database } from "../../../db/client.ts";
import { auditLog } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";

export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

function actorColumns(actor: Actor | null) {
  if (!actor) return { actorKind: "anonymous" as const, actorUserId: null };
  if (actor.kind === "system") return { actorKind: "system" as const, actorUserId: null };
  return { actorKind: actor.kind, actorUserId: actor.userId };
}

/** Appends one entry to the audit log (who did or saw what). */
export async function audit(db: Database, actor: Actor | null, entry: AuditEntry) {
  await db.insert(auditLog).values({ ...actorColumns(actor), ...entry, ip: entry.ip ?? null });
}
