import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { consents, consentPurposes } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";

export type ConsentPurpose = (typeof consentPurposes)[number];
export type ConsentSource = "portal" | "staff" | "import" | "registration";
export { consentPurposes };

/** Every purpose with its current answer (null = never asked). */
export async function consentsOf(db: Database, contactId: string) {
  const rows = await db.select().from(consents).where(eq(consents.contactId, contactId));
  return consentPurposes.map((purpose) => {
    const row = rows.find((r) => r.purpose === purpose);
    return { purpose, granted: row ? row.granted : null, source: row?.source ?? null, updatedAt: row?.updatedAt ?? null };
  });
}

export async function hasConsent(db: Database, contactId: string, purpose: ConsentPurpose) {
  const [row] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.contactId, contactId), eq(consents.purpose, purpose)));
  return row?.granted === true;
}

/** Records a grant or withdrawal; the audit log keeps the history that proves it (UU PDP Art 20–24). */
export async function setConsent(
  db: Database,
  actor: Actor | null,
  input: { contactId: string; purpose: ConsentPurpose; granted: boolean; source: ConsentSource },
) {
  const recordedBy = actor && actor.kind !== "system" ? actor.userId : null;
  await db
    .insert(consents)
    .values({ ...input, recordedBy })
    .onConflictDoUpdate({
      target: [consents.contactId, consents.purpose],
      set: { granted: input.granted, source: input.source, recordedBy, updatedAt: new Date() },
    });
  await audit(db, actor, {
    action: input.granted ? "consent.granted" : "consent.withdrawn",
    entityType: "contact",
    entityId: input.contactId,
    data: { purpose: input.purpose, source: input.source },
  });
}
