// Finding the patient for an outgoing referral: the core contact search, ten matches at most, each
// with just enough to tell namesakes apart (birth date, the last digits of NIK / BPJS / record no.).
import { and, eq, inArray, isNull } from "drizzle-orm";
import { isUuid } from "../../app/plugin-api/index.ts";
import type { Actor, Database } from "../../app/plugin-api/index.ts";
import { searchContacts } from "../../app/plugin-api/server.ts";
import { branches, contactIdentifiers, contacts } from "../../app/plugin-api/schema.ts";

type Staff = Extract<Actor, { kind: "staff" }>;

export const patientMatchLimit = 10;

export interface PatientChoice {
  id: string;
  fullName: string;
  birthDate: string | null;
  branchName: string | null;
  /** e.g. "NIK ••••0002"; the full numbers stay on the contact page. */
  identifiers: string[];
  /** Shown in full only to staff who may read contacts; otherwise its last digits. */
  phone: string | null;
}

const tail = (value: string, keep = 4) => `••••${value.slice(-keep)}`;

async function describe(db: Database, actor: Staff, rows: { id: string; fullName: string; phone: string | null; branchName: string | null }[]): Promise<PatientChoice[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [births, identifiers] = await Promise.all([
    db.select({ id: contacts.id, birthDate: contacts.birthDate }).from(contacts).where(inArray(contacts.id, ids)),
    db
      .select({ contactId: contactIdentifiers.contactId, system: contactIdentifiers.system, value: contactIdentifiers.value })
      .from(contactIdentifiers)
      .where(and(inArray(contactIdentifiers.contactId, ids), inArray(contactIdentifiers.system, ["nik", "bpjs", "external"]))),
  ]);
  const birthOf = new Map(births.map((b) => [b.id, b.birthDate]));
  const fullPhone = actor.permissions.has("core.contact.read");
  return rows.map((r) => ({
    id: r.id,
    fullName: r.fullName,
    birthDate: birthOf.get(r.id) ?? null,
    branchName: r.branchName,
    identifiers: identifiers.filter((i) => i.contactId === r.id).map((i) => `${i.system === "external" ? "RM" : i.system.toUpperCase()} ${tail(i.value)}`),
    phone: r.phone ? (fullPhone ? r.phone : tail(r.phone)) : null,
  }));
}

/** Up to ten patients matching a name, NIK, BPJS or record number, or phone; nothing for under two characters. */
export async function findPatients(db: Database, actor: Staff, q: string): Promise<PatientChoice[]> {
  const query = q.trim().replace(/\s+/g, " ").slice(0, 100);
  if (query.length < 2) return [];
  const { contacts: rows } = await searchContacts(db, actor, { q: query, limit: patientMatchLimit });
  return describe(db, actor, rows);
}

/** The patient a referral is being written for (from the contact page or a pick), if it exists and was not merged away. */
export async function patientChoice(db: Database, actor: Staff, contactId: string): Promise<PatientChoice | null> {
  if (!isUuid(contactId)) return null;
  const rows = await db
    .select({ id: contacts.id, fullName: contacts.fullName, phone: contacts.phone, branchName: branches.name })
    .from(contacts)
    .leftJoin(branches, eq(branches.id, contacts.branchId))
    .where(and(eq(contacts.id, contactId), isNull(contacts.mergedIntoId)));
  const [choice] = await describe(db, actor, rows);
  return choice ?? null;
}
