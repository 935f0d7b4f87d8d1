import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";

type CustomerActor = Extract<Actor, { kind: "customer" }>;

// the staff list and search live in contact-search.server.ts
export { contactPageSize, searchContacts as listContacts } from "./contact-search.server.ts";

/** The signed-in customer's own contact record: scoped by the session, never by a URL id. */
export async function getOwnProfile(db: Database, actor: CustomerActor) {
  const [row] = await db
    .select({
      fullName: contacts.fullName,
      email: contacts.email,
      phone: contacts.phone,
      birthDate: contacts.birthDate,
      address: contacts.address,
      city: contacts.city,
      preferredChannel: contacts.preferredChannel,
      updatedAt: contacts.updatedAt,
    })
    .from(contacts)
    .where(eq(contacts.id, actor.contactId));
  return row ?? null;
}

export async function updateOwnProfile(
  db: Database,
  actor: CustomerActor,
  input: { fullName: string; phone: string | null; birthDate: string | null; address: string | null; city: string | null; preferredChannel: "whatsapp" | "email" | "sms" | "none" },
) {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ fullName: contacts.fullName, phone: contacts.phone, birthDate: contacts.birthDate, address: contacts.address, city: contacts.city, preferredChannel: contacts.preferredChannel })
      .from(contacts)
      .where(eq(contacts.id, actor.contactId))
      .for("update");
    await tx.update(contacts).set({ ...input, updatedAt: new Date() }).where(eq(contacts.id, actor.contactId));
    const changed = Object.keys(input).filter((k) => String(before?.[k as keyof typeof before] ?? "") !== String(input[k as keyof typeof input] ?? ""));
    // a correction request under UU PDP Art 6: who changed which fields, not the values
    await audit(tx, actor, { action: "contact.self_corrected", entityType: "contact", entityId: actor.contactId, data: { fields: changed } });
  });
}
