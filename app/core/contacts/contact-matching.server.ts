// Finding the contact behind an identifier (member card, POS customer id…) or a phone number, and
// creating one when nobody matches. Used by integrations (retail-pos ingest) inside their
// transaction, through app/plugin-api/server.ts (findOrCreateContact). Owner: retail plugins (issue 5).
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contactIdentifiers, contacts, identifierSystems } from "../../../db/schema/index.ts";

export type IdentifierSystem = (typeof identifierSystems)[number];

export interface ContactMatchInput {
  identifiers: { system: IdentifierSystem; value: string }[];
  /** E.164, already normalised. */
  phone?: string | null;
  /** Name for a contact created here; defaults to the first identifier. */
  fullName?: string | null;
  branchId?: string | null;
  source: "pos" | "import" | "partner" | "staff" | "portal";
}

/** The contact an identifier or phone belongs to (merged duplicates resolve to the kept one). */
export async function findContactByIdentifier(db: Database, input: Pick<ContactMatchInput, "identifiers" | "phone">): Promise<string | null> {
  for (const id of input.identifiers) {
    const [row] = await db
      .select({ id: contacts.id, mergedIntoId: contacts.mergedIntoId })
      .from(contactIdentifiers)
      .innerJoin(contacts, eq(contacts.id, contactIdentifiers.contactId))
      .where(and(eq(contactIdentifiers.system, id.system), eq(contactIdentifiers.value, id.value)));
    if (row) return row.mergedIntoId ?? row.id;
  }
  if (input.phone) {
    const [row] = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.phone, input.phone), isNull(contacts.mergedIntoId)))
      .orderBy(asc(contacts.createdAt))
      .limit(1);
    if (row) return row.id;
  }
  return null;
}

/**
 * Finds the contact or creates one, and records any identifiers it did not have yet. Safe under
 * concurrency: when another transaction registers the same identifier first, its contact wins.
 */
export async function findOrCreateContact(db: Database, input: ContactMatchInput): Promise<{ contactId: string; created: boolean } | null> {
  if (input.identifiers.length === 0 && !input.phone) return null;
  const found = await findContactByIdentifier(db, input);
  if (found) {
    if (input.identifiers.length) {
      await db
        .insert(contactIdentifiers)
        .values(input.identifiers.map((i) => ({ contactId: found, system: i.system, value: i.value })))
        .onConflictDoNothing();
    }
    return { contactId: found, created: false };
  }
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(contacts)
      .values({
        fullName: input.fullName?.trim() || input.identifiers[0]?.value || input.phone || "-",
        phone: input.phone ?? null,
        branchId: input.branchId ?? null,
        lifecycleStage: "customer",
        source: input.source,
      })
      .returning({ id: contacts.id });
    if (input.identifiers.length) {
      const inserted = await tx
        .insert(contactIdentifiers)
        .values(input.identifiers.map((i) => ({ contactId: created.id, system: i.system, value: i.value })))
        .onConflictDoNothing()
        .returning({ id: contactIdentifiers.id });
      if (inserted.length < input.identifiers.length) {
        // someone registered an identifier meanwhile: use their contact, drop ours
        await tx.delete(contactIdentifiers).where(eq(contactIdentifiers.contactId, created.id));
        await tx.delete(contacts).where(eq(contacts.id, created.id));
        const winner = await findContactByIdentifier(tx, input);
        return winner ? { contactId: winner, created: false } : null;
      }
    }
    return { contactId: created.id, created: true };
  });
}
