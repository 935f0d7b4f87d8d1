// A withdrawal of consent holds for every message at once (UU PDP Art 9, 40): the send jobs ask
// here right before a message leaves, not only when it was queued.
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { consents, messages } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";

/**
 * For a queued message to a contact sent for a consent purpose: true when the consent still
 * stands. Otherwise marks it cancelled (never sent), audits why, and returns false.
 */
export async function consentStillGiven(db: Database, message: { id: string; contactId: string | null; purpose: string | null }) {
  if (!message.contactId || !message.purpose) return true;
  const [row] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.contactId, message.contactId), eq(consents.purpose, message.purpose as (typeof consents.$inferSelect)["purpose"])));
  if (row?.granted === true) return true;
  await db.transaction(async (tx) => {
    await tx
      .update(messages)
      .set({ status: "cancelled", lastError: "consent_withdrawn" })
      .where(and(eq(messages.id, message.id), eq(messages.status, "queued")));
    await audit(tx, { kind: "system" }, {
      action: "message.cancelled",
      entityType: "contact",
      entityId: message.contactId!,
      data: { messageId: message.id, purpose: message.purpose, reason: "consent_withdrawn" },
    });
  });
  return false;
}
