// Patient, served by the core from contacts. Identifiers follow SATUSEHAT: NIK under
// https://fhir.kemkes.go.id/id/nik. Merged contacts are never shown: the kept one carries their data.
import { and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { contactIdentifiers, contacts } from "../../../db/schema/index.ts";
import type { FhirContext, FhirResource, FhirResourceProvider, FhirSearch } from "../plugins/contract.ts";
import { anyOf, codeValues, dateCondition, FhirSearchError, fhirInstant, isFhirId, orValues, parseDateParam, parseToken } from "./fhir-search.server.ts";
import { isUuid } from "../validation/ids.ts";

/**
 * Identifier systems: SATUSEHAT's NIK, and ours for the BPJS card number (SATUSEHAT defines none
 * yet) and the hospital's medical record number (No. RM, typed MR as FHIR's v2-0203 says).
 */
export const identifierSystemUris = {
  nik: "https://fhir.kemkes.go.id/id/nik",
  bpjs: "https://nusa-crm.id/fhir/sid/bpjs-card-number",
  mrn: "https://nusa-crm.id/fhir/sid/medical-record-number",
} as const;
const medicalRecordType = { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR", display: "Medical record number" }] };
const patientSystems = Object.keys(identifierSystemUris) as PatientSystem[];
type PatientSystem = keyof typeof identifierSystemUris;
const systemOfUri = new Map<string, PatientSystem>(Object.entries(identifierSystemUris).map(([k, v]) => [v, k as PatientSystem]));


type ContactRow = Pick<
  typeof contacts.$inferSelect,
  "id" | "fullName" | "email" | "phone" | "birthDate" | "gender" | "address" | "city" | "preferredLocale" | "updatedAt"
>;

const columns = {
  id: contacts.id,
  fullName: contacts.fullName,
  email: contacts.email,
  phone: contacts.phone,
  birthDate: contacts.birthDate,
  gender: contacts.gender,
  address: contacts.address,
  city: contacts.city,
  preferredLocale: contacts.preferredLocale,
  updatedAt: contacts.updatedAt,
};

type IdentifierRow = { system: string; value: string; createdAt: Date };

/** FHIR's administrative-gender codes: we hold female and male; other and unknown match nobody. */
const genderCodes = ["male", "female", "other", "unknown"] as const;
const genderSystem = "http://hl7.org/fhir/administrative-gender";

function toPatient(c: ContactRow, identifiers: IdentifierRow[]): FhirResource {
  // the patient changed when the contact did or an identifier was added
  const lastUpdated = identifiers.reduce((at, i) => (i.createdAt > at ? i.createdAt : at), c.updatedAt);
  const ids = identifiers
    .filter((i): i is IdentifierRow & { system: PatientSystem } => i.system in identifierSystemUris)
    .map((i) =>
      i.system === "mrn"
        ? { use: "usual", type: medicalRecordType, system: identifierSystemUris.mrn, value: i.value }
        : { use: "official", system: identifierSystemUris[i.system], value: i.value },
    );
  const telecom = [
    c.phone ? { system: "phone", value: c.phone, use: "mobile" } : null,
    c.email ? { system: "email", value: c.email, use: "home" } : null,
  ].filter((x) => x !== null);
  const line = c.address?.trim();
  const city = c.city?.trim();
  return {
    resourceType: "Patient",
    id: c.id,
    meta: { lastUpdated: fhirInstant(lastUpdated) },
    // FHIR JSON has no empty arrays: a patient without NIK or BPJS number has no identifier element
    ...(ids.length ? { identifier: ids } : {}),
    active: true,
    name: [{ use: "official", text: c.fullName }],
    ...(telecom.length ? { telecom } : {}),
    ...(c.gender ? { gender: c.gender } : {}),
    ...(c.birthDate ? { birthDate: c.birthDate } : {}),
    ...(line || city ? { address: [{ use: "home", ...(line ? { line: [line], text: line } : {}), ...(city ? { city } : {}), country: "ID" }] } : {}),
    communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: c.preferredLocale === "en" ? "en" : "id" }] }, preferred: true }],
  };
}

async function identifiersOf(db: Database, ids: string[]) {
  if (ids.length === 0) return new Map<string, IdentifierRow[]>();
  const rows = await db
    .select({ contactId: contactIdentifiers.contactId, system: contactIdentifiers.system, value: contactIdentifiers.value, createdAt: contactIdentifiers.createdAt })
    .from(contactIdentifiers)
    .where(and(inArray(contactIdentifiers.contactId, ids), inArray(contactIdentifiers.system, patientSystems)))
    // NIK first: the identifier SATUSEHAT matches patients by
    .orderBy(sql`${contactIdentifiers.system} = 'nik' desc`, asc(contactIdentifiers.system));
  const out = new Map<string, IdentifierRow[]>();
  for (const r of rows) out.set(r.contactId, [...(out.get(r.contactId) ?? []), r]);
  return out;
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function identifierCondition(raw: string): SQL {
  const { system, code } = parseToken(raw);
  if (!code) throw new FhirSearchError(`identifier "${raw}" needs a value`);
  let systems: PatientSystem[];
  if (system === undefined) systems = patientSystems;
  else {
    const known = system ? systemOfUri.get(system) : undefined;
    // an identifier system we do not hold matches nobody
    if (!known) return sql`false`;
    systems = [known];
  }
  return sql`exists (select 1 from ${contactIdentifiers} ci where ci.contact_id = ${contacts.id}
    and ci.system in ${sql.raw(`(${systems.map((s) => `'${s}'`).join(",")})`)} and ci.value in (${code.replace(/\s/g, "")}, ${code.replace(/\s/g, "").toUpperCase()}))`;
}

/** Who may be served as a Patient: a condition on the contact id (purpose limitation, see hospitalRelationship). */
export type PatientRelationship = (contactId: SQL) => SQL;

function conditions(params: FhirSearch["params"], isPatient: PatientRelationship): SQL[] {
  const where: SQL[] = [isNull(contacts.mergedIntoId), isPatient(sql`${contacts.id}`)];
  for (const raw of params._id ?? []) {
    const ids = orValues(raw).filter((v) => isUuid(v));
    where.push(ids.length ? inArray(contacts.id, ids) : sql`false`);
  }
  for (const raw of params.identifier ?? []) where.push(anyOf(orValues(raw), identifierCondition) ?? sql`false`);
  for (const raw of params.name ?? []) {
    const c = anyOf(orValues(raw), (v) => {
      // FHIR string search: the name or one of its words starts with the value, case-insensitively
      const like = escapeLike(v);
      return or(sql`${contacts.fullName} ilike ${`${like}%`}`, sql`${contacts.fullName} ilike ${`% ${like}%`}`);
    });
    if (c) where.push(c);
  }
  for (const raw of params.gender ?? []) {
    const values = codeValues("gender", raw, genderCodes, genderSystem).filter((v) => v === "female" || v === "male");
    where.push(values.length ? inArray(contacts.gender, values as ("female" | "male")[]) : sql`false`);
  }
  for (const raw of params.birthdate ?? []) {
    where.push(dateCondition(sql`(${contacts.birthDate}::timestamp at time zone 'UTC')`, parseDateParam(raw)));
  }
  return where;
}

async function readPatient(id: string, ctx: FhirContext, isPatient: PatientRelationship) {
  if (!isFhirId(id) || !isUuid(id)) return null;
  const [row] = await ctx.db.select(columns).from(contacts).where(and(eq(contacts.id, id), isNull(contacts.mergedIntoId), isPatient(sql`${contacts.id}`)));
  if (!row) return null;
  return toPatient(row, (await identifiersOf(ctx.db, [row.id])).get(row.id) ?? []);
}

async function searchPatients(query: FhirSearch, ctx: FhirContext, isPatient: PatientRelationship) {
  const where = and(...conditions(query.params, isPatient));
  const [[{ total }], rows] = await Promise.all([
    ctx.db.select({ total: count() }).from(contacts).where(where),
    ctx.db.select(columns).from(contacts).where(where).orderBy(asc(contacts.fullName), asc(contacts.id)).limit(query.count).offset(query.offset),
  ]);
  const ids = await identifiersOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { total: Number(total), resources: rows.map((r) => toPatient(r, ids.get(r.id) ?? [])) };
}

/**
 * The core's Patient provider: only contacts with a hospital relationship (`isPatient`), so a
 * retail shopper is never served as a Patient, by read or by search.
 */
export const patientProvider = (isPatient: PatientRelationship): FhirResourceProvider => ({
  searchParams: [
    { name: "_id", type: "token", documentation: "Logical id" },
    { name: "identifier", type: "token", documentation: `NIK (${identifierSystemUris.nik}|<16 digits>) or BPJS card number (${identifierSystemUris.bpjs}|<13 digits>)` },
    { name: "name", type: "string", documentation: "Name or a word of it starts with the value (case-insensitive)" },
    { name: "gender", type: "token", documentation: "male, female, other, unknown (other and unknown match nobody: not recorded here)" },
    { name: "birthdate", type: "date" },
  ],
  read: (id, ctx) => readPatient(id, ctx, isPatient),
  search: (query, ctx) => searchPatients(query, ctx, isPatient),
});
