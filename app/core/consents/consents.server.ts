import { and, asc, desc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { consentRecords, consents, consentPurposes, type consentChannels } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { currentNoticeVersion } from "../privacy/purposes.ts";

export type ConsentPurpose = (typeof consentPurposes)[number];
/** Where the answer was given (the ledger's channel). */
export type ConsentSource = (typeof consentChannels)[number];
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

/**
 * Records a grant or withdrawal: one new ledger row (the proof: notice version, channel, who) and
 * the current answer, in one transaction. A withdrawal holds at once for messages already queued:
 * the send jobs read the current answer before sending.
 */
export async function setConsent(
  db: Database,
  actor: Actor | null,
  input: { contactId: string; purpose: ConsentPurpose; granted: boolean; source: ConsentSource; noticeVersion?: string },
) {
  const recordedBy = actor && actor.kind !== "system" ? actor.userId : null;
  const noticeVersion = input.noticeVersion ?? currentNoticeVersion;
  await db.transaction(async (tx) => {
    await tx.insert(consentRecords).values({
      contactId: input.contactId,
      purpose: input.purpose,
      granted: input.granted,
      noticeVersion,
      channel: input.source,
      recordedByKind: actor ? actor.kind : "anonymous",
      recordedBy,
    });
    await tx
      .insert(consents)
      .values({ contactId: input.contactId, purpose: input.purpose, granted: input.granted, source: input.source, wordingVersion: noticeVersion, recordedBy })
      .onConflictDoUpdate({
        target: [consents.contactId, consents.purpose],
        set: { granted: input.granted, source: input.source, wordingVersion: noticeVersion, recordedBy, updatedAt: new Date() },
      });
    await audit(tx, actor, {
      action: input.granted ? "consent.granted" : "consent.withdrawn",
      entityType: "contact",
      entityId: input.contactId,
      data: { purpose: input.purpose, source: input.source, noticeVersion },
    });
  });
}

/** The ledger for one contact, newest first (what the person and the DPO see as proof). */
export async function consentHistory(db: Database, contactId: string) {
  return db
    .select({
      purpose: consentRecords.purpose,
      granted: consentRecords.granted,
      noticeVersion: consentRecords.noticeVersion,
      channel: consentRecords.channel,
      recordedByKind: consentRecords.recordedByKind,
      at: consentRecords.at,
    })
    .from(consentRecords)
    .where(eq(consentRecords.contactId, contactId))
    .orderBy(desc(consentRecords.at), desc(consentRecords.id));
}

/** The ledger in insertion order (for exports). */
export async function consentLedger(db: Database, contactId: string) {
  return db.select().from(consentRecords).where(eq(consentRecords.contactId, contactId)).orderBy(asc(consentRecords.id));
}
