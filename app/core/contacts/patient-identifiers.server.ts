// Finding a patient by national identifiers (NIK, BPJS card number), creating them when unknown.
// Used where a contact arrives from outside the hospital, e.g. a referral a partner clinic submits.
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contactIdentifiers, contacts } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { normalizePhone } from "../i18n/phone.ts";
import type { Actor } from "../plugins/contract.ts";

export interface PatientMatchInput {
  nik?: string | null;
  bpjs?: string | null;
  fullName: string;
  birthDate?: string | null;
  gender?: "female" | "male" | null;
  phone?: string | null;
  email?: string | null;
  source: "staff" | "partner" | "portal" | "import";
}

export type PatientMatchResult = { contactId: string; created: boolean } | { error: "identifierConflict" | "noIdentifier" };

/**
 * Finds the (surviving) contact holding the NIK or BPJS number, or creates one with those
 * identifiers. Two identifiers pointing at two different people is a conflict for a human to solve.
 * Runs in the caller's transaction when given one.
 */
export async function findOrCreatePatientByIdentifiers(db: Database, actor: Actor, input: PatientMatchInput): Promise<PatientMatchResult> {
  const wanted = [
    input.nik ? { system: "nik" as const, value: input.nik.replace(/\D/g, "") } : null,
    input.bpjs ? { system: "bpjs" as const, value: input.bpjs.replace(/\D/g, "") } : null,
  ].filter((x): x is { system: "nik" | "bpjs"; value: string } => x !== null && x.value.length > 0);
  if (wanted.length === 0) return { error: "noIdentifier" };
  return db.transaction(async (tx) => {
    const found = await tx
      .select({ contactId: contactIdentifiers.contactId, system: contactIdentifiers.system, mergedIntoId: contacts.mergedIntoId })
      .from(contactIdentifiers)
      .innerJoin(contacts, eq(contacts.id, contactIdentifiers.contactId))
      .where(inArray(contactIdentifiers.value, wanted.map((w) => w.value)));
    const matches = found.filter((f) => wanted.some((w) => w.system === f.system));
    const ids = new Set(matches.map((m) => m.mergedIntoId ?? m.contactId));
    if (ids.size > 1) return { error: "identifierConflict" as const };
    if (ids.size === 1) {
      const contactId = [...ids][0];
      // add the identifier the contact did not have yet
      for (const w of wanted) {
        if (!matches.some((m) => m.system === w.system)) {
          await tx.insert(contactIdentifiers).values({ contactId, system: w.system, value: w.value }).onConflictDoNothing();
        }
      }
      return { contactId, created: false };
    }
    const [contact] = await tx
      .insert(contacts)
      .values({
        fullName: input.fullName.trim(),
        birthDate: input.birthDate || null,
        gender: input.gender ?? null,
        phone: input.phone ? normalizePhone(input.phone) : null,
        email: input.email?.toLowerCase() || null,
        source: input.source,
        lifecycleStage: "customer",
      })
      .returning({ id: contacts.id });
    await tx.insert(contactIdentifiers).values(wanted.map((w) => ({ contactId: contact.id, system: w.system, value: w.value })));
    await audit(tx, actor, { action: "contact.created", entityType: "contact", entityId: contact.id, data: { via: "identifiers", source: input.source } });
    return { contactId: contact.id, created: true };
  });
}

/** A contact's identifier of one system (e.g. its NIK), following merges; null when it has none. */
export async function contactIdentifier(db: Database, contactId: string, system: "nik" | "bpjs") {
  const [row] = await db
    .select({ value: contactIdentifiers.value })
    .from(contactIdentifiers)
    .where(and(eq(contactIdentifiers.contactId, contactId), eq(contactIdentifiers.system, system)));
  return row?.value ?? null;
}

