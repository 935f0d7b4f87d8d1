// Choosing the contact a ticket or task is about: a short search and the chosen one's summary.
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contacts } from "../../../db/schema/index.ts";
import { listContacts } from "../contacts/contacts.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** The chosen contact (not a merged-away record), or null. */
export async function chosenContact(db: Database, contactId: string | null | undefined) {
  if (!contactId || !isUuid(contactId)) return null;
  const [row] = await db
    .select({ id: contacts.id, fullName: contacts.fullName, phone: contacts.phone, email: contacts.email })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), isNull(contacts.mergedIntoId)));
  return row ?? null;
}

/** Up to eight matches for the picker (the contacts search: name, phone in any form, e-mail, identifier). */
export async function contactChoices(db: Database, actor: StaffActor, q: string | null | undefined) {
  const query = q?.trim();
  if (!query) return null;
  const { contacts: rows } = await listContacts(db, actor, { q: query });
  return rows.slice(0, 8).map((c) => ({ id: c.id, fullName: c.fullName, phone: c.phone, email: c.email }));
}
