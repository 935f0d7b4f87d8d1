// The read-only FHIR R4 API at /fhir/r4, through its route modules with real tokens and data.
// Every answer — resources, Bundles, the CapabilityStatement and errors — is checked against the
// official FHIR R4 JSON schema.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/core/api-tokens/api-tokens.server.ts";
import { FhirSearchError } from "../../app/core/fhir/fhir-search.server.ts";
import { PluginRegistry } from "../../app/core/plugins/registry.server.ts";
import * as instanceRoute from "../../app/routes/fhir/instance.ts";
import * as metadataRoute from "../../app/routes/fhir/metadata.ts";
import * as typeRoute from "../../app/routes/fhir/type.ts";
import { apiTokens, auditLog, contactIdentifiers, contacts } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { appointments } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { callRoute, createContact, createPartnerOrg, createTestApp } from "../support/test-app.ts";
import { fhirSchemaErrors } from "./fhir-schema.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- FHIR JSON read in assertions

let app: Awaited<ReturnType<typeof createTestApp>>;
const system = { kind: "system" } as const;
const tokens: Record<"all" | "patientOnly" | "revoked" | "expired", string> = { all: "", patientOnly: "", revoked: "", expired: "" };
let allTokenId = "";

/** GETs a FHIR path through the matching route module; returns status, headers and the parsed body. */
async function fhir(path: string, token: string | null = tokens.all) {
  const [pathname] = path.split("?");
  const parts = pathname.replace(/^\/fhir\/r4\//, "").split("/");
  const handler = parts[0] === "metadata" ? metadataRoute.loader : parts.length === 1 ? typeRoute.loader : instanceRoute.loader;
  const response = (await callRoute(app.runtime, handler, {
    path,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    params: { type: parts[0], ...(parts[1] ? { id: parts[1] } : {}) },
  })) as Response;
  expect(response).toBeInstanceOf(Response);
  const body = (await response.json()) as Json;
  // the whole answer is valid FHIR R4, whatever it is
  expect(fhirSchemaErrors(body)).toEqual([]);
  expect(response.headers.get("Content-Type")).toBe("application/fhir+json; charset=utf-8");
  return { status: response.status, headers: response.headers, body };
}

/** Every dateTime/instant value in a resource (by FHIR element name), to check they are UTC. */
function instants(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => instants(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "string" && ["start", "end", "created", "authoredOn", "lastUpdated", "date", "occurrenceDateTime"].includes(k)) out.push(v);
      else instants(v, out);
    }
  }
  return out;
}

const day = (offset: number) => addDays(localDateOf(new Date(), "Asia/Jakarta"), offset);
let clinic: Awaited<ReturnType<typeof createClinic>>;
let budi: typeof contacts.$inferSelect;
let siti: typeof contacts.$inferSelect;
const nik = "3171011207840099";

async function book(contactId: string, date: string, time: string, queueNumber: number, status: (typeof appointments.$inferInsert)["status"] = "booked") {
  const startAt = zonedInstant(date, time, "Asia/Jakarta");
  const [row] = await app.runtime.db
    .insert(appointments)
    .values({
      contactId,
      practitionerId: clinic.doctor.id,
      serviceId: clinic.service.id,
      branchId: clinic.branch.id,
      startAt,
      endAt: new Date(startAt.getTime() + 15 * 60_000),
      localDate: date,
      queueNumber,
      status,
      channel: "frontdesk",
    })
    .returning();
  return row;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
  const make = async (scopes: string[], expiresAt: Date | null = null) => {
    const created = await createApiToken(app.runtime.db, system, { name: `uji ${scopes.join(" ")}`, scopes, expiresAt });
    if (!created.ok) throw new Error(created.error);
    return created;
  };
  const all = await make(["system/*.read"]);
  tokens.all = all.secret;
  allTokenId = all.token.id;
  tokens.patientOnly = (await make(["system/Patient.read"])).secret;
  const revoked = await make(["system/*.read"]);
  await app.runtime.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, revoked.token.id));
  tokens.revoked = revoked.secret;
  // expired a minute ago (a past expiry cannot be chosen on the page, but time passes)
  const expired = await make(["system/*.read"], new Date(Date.now() + 60_000));
  await app.runtime.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(apiTokens.id, expired.token.id));
  tokens.expired = expired.secret;

  clinic = await createClinic(app.runtime);
  budi = await createContact(app.runtime, { fullName: "Budi Santoso", phone: "+6281234567001", birthDate: "1984-07-12", gender: "male", address: "Jl. Cikini Raya 10", city: "Jakarta Pusat" });
  siti = await createContact(app.runtime, { fullName: "Siti Rahmawati", gender: "female" });
  await app.runtime.db.insert(contactIdentifiers).values([
    { contactId: budi.id, system: "nik", value: nik },
    { contactId: budi.id, system: "bpjs", value: "0001234567099" },
    // a medical record number (No. RM) makes Siti a patient here before any visit is booked
    { contactId: siti.id, system: "external", value: "RM-0042" },
    { contactId: budi.id, system: "mrn", value: "00-45-12" },
  ]);
});
afterAll(() => app.close());

describe("GET /fhir/r4/metadata", () => {
  it("is a public CapabilityStatement listing the served types with their search parameters", async () => {
    const { status, body } = await fhir("/fhir/r4/metadata", null);
    expect(status).toBe(200);
    expect(body.resourceType).toBe("CapabilityStatement");
    expect(body.fhirVersion).toBe("4.0.1");
    const types = body.rest[0].resource.map((r: Json) => r.type);
    expect(types).toEqual(["Appointment", "Encounter", "Patient", "Practitioner", "Schedule", "ServiceRequest", "Slot"]);
    const appointment = body.rest[0].resource.find((r: Json) => r.type === "Appointment");
    expect(appointment.searchParam.map((p: Json) => p.name)).toEqual(expect.arrayContaining(["patient", "date", "practitioner", "status"]));
    expect(body.date).toMatch(/Z$/);
    // static API tokens are not SMART Backend Services: nothing claims it (ADR 009)
    expect(JSON.stringify(body)).not.toContain("SMART-on-FHIR");
    expect(body.rest[0].security.service).toBeUndefined();
  });
});

describe("tokens and scopes", () => {
  it("refuses a request without a token (401, OperationOutcome, Bearer challenge)", async () => {
    const { status, body, headers } = await fhir("/fhir/r4/Patient", null);
    expect(status).toBe(401);
    expect(body.resourceType).toBe("OperationOutcome");
    expect(body.issue[0].code).toBe("login");
    expect(headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it("refuses unknown, revoked and expired tokens with 401", async () => {
    for (const token of ["nusa_bukan-token-yang-benar", tokens.revoked, tokens.expired]) {
      const { status, body, headers } = await fhir(`/fhir/r4/Patient/${budi.id}`, token);
      expect(status).toBe(401);
      expect(body.issue[0].code).toBe("login");
      expect(headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    }
  });

  it("refuses a type outside the token's scopes with 403, and serves the type inside them", async () => {
    const refused = await fhir(`/fhir/r4/Appointment?patient=Patient/${budi.id}`, tokens.patientOnly);
    expect(refused.status).toBe(403);
    expect(refused.body.issue[0].code).toBe("forbidden");
    expect(refused.headers.get("WWW-Authenticate")).toContain("system/Appointment.read");
    const served = await fhir(`/fhir/r4/Patient/${budi.id}`, tokens.patientOnly);
    expect(served.status).toBe(200);
  });

  it("records the use of a token and audits what it read", async () => {
    await fhir(`/fhir/r4/Patient/${budi.id}`);
    const [row] = await app.runtime.db.select().from(apiTokens).where(eq(apiTokens.id, allTokenId));
    expect(row.lastUsedAt).not.toBeNull();
    const reads = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "fhir.read"));
    expect(reads.some((r) => (r.data as Json).resource === `Patient/${budi.id}`)).toBe(true);
  });
});

describe("Patient", () => {
  it("is found by NIK (SATUSEHAT system) with NIK and BPJS identifiers, telecom, address", async () => {
    const { status, body } = await fhir(`/fhir/r4/Patient?identifier=https://fhir.kemkes.go.id/id/nik|${nik}`);
    expect(status).toBe(200);
    expect(body.resourceType).toBe("Bundle");
    expect(body.type).toBe("searchset");
    expect(body.total).toBe(1);
    const patient = body.entry[0].resource;
    expect(body.entry[0].fullUrl).toBe(`http://localhost:3000/fhir/r4/Patient/${budi.id}`);
    expect(patient.identifier).toContainEqual({ use: "official", system: "https://fhir.kemkes.go.id/id/nik", value: nik });
    expect(patient.identifier.map((i: Json) => i.value)).toContain("0001234567099");
    expect(patient.name[0].text).toBe("Budi Santoso");
    expect(patient.gender).toBe("male");
    expect(patient.birthDate).toBe("1984-07-12");
    expect(patient.telecom).toContainEqual({ system: "phone", value: "+6281234567001", use: "mobile" });
    expect(patient.address[0].city).toBe("Jakarta Pusat");
    expect(instants(patient).every((v) => v.endsWith("Z"))).toBe(true);
  });

  it("carries the medical record number (No. RM) typed MR, and is found by it", async () => {
    const { body } = await fhir(`/fhir/r4/Patient?identifier=https://nusa-crm.id/fhir/sid/medical-record-number|00-45-12`);
    expect(body.total).toBe(1);
    const patient = body.entry[0].resource;
    expect(patient.id).toBe(budi.id);
    // NIK first (SATUSEHAT matches by it), then BPJS, then the record number
    expect(patient.identifier.map((i: Json) => i.system)).toEqual([
      "https://fhir.kemkes.go.id/id/nik",
      "https://nusa-crm.id/fhir/sid/bpjs-card-number",
      "https://nusa-crm.id/fhir/sid/medical-record-number",
    ]);
    expect(patient.identifier[2]).toEqual({
      use: "usual",
      type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR", display: "Medical record number" }] },
      system: "https://nusa-crm.id/fhir/sid/medical-record-number",
      value: "00-45-12",
    });
    // without a system, any identifier we hold; an NIK value under the record number's system, nobody
    expect((await fhir("/fhir/r4/Patient?identifier=00-45-12")).body.total).toBe(1);
    expect((await fhir(`/fhir/r4/Patient?identifier=https://nusa-crm.id/fhir/sid/medical-record-number|${nik}`)).body.total).toBe(0);
  });

  it("matches nobody for a NIK under another system, and finds by name", async () => {
    expect((await fhir(`/fhir/r4/Patient?identifier=http://contoh.id/nik|${nik}`)).body.total).toBe(0);
    const byName = await fhir("/fhir/r4/Patient?name=rahma");
    expect(byName.body.entry.map((e: Json) => e.resource.id)).toEqual([siti.id]);
  });

  it("never shows a merged contact: read answers 404 and search skips it", async () => {
    const merged = await createContact(app.runtime, { fullName: "Budi Santoso Duplikat" });
    await app.runtime.db.update(contacts).set({ mergedIntoId: budi.id }).where(eq(contacts.id, merged.id));
    const read = await fhir(`/fhir/r4/Patient/${merged.id}`);
    expect(read.status).toBe(404);
    expect(read.body.resourceType).toBe("OperationOutcome");
    const search = await fhir(`/fhir/r4/Patient?_id=${merged.id}`);
    expect(search.body.total).toBe(0);
  });
});

describe("Appointment, Practitioner, Schedule and Slot", () => {
  let mine: typeof appointments.$inferSelect;
  beforeAll(async () => {
    mine = await book(budi.id, day(1), "08:15", 2);
    await book(budi.id, day(2), "08:00", 1);
    await book(siti.id, day(1), "08:30", 3, "cancelled");
    await book(siti.id, day(1), "08:45", 4);
  });

  it("searches by patient and date: only that patient's visits on that day, times in UTC", async () => {
    const { status, body } = await fhir(`/fhir/r4/Appointment?patient=Patient/${budi.id}&date=ge${day(1)}T00:00:00%2B07:00&date=lt${day(2)}T00:00:00%2B07:00`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    const appointment = body.entry[0].resource;
    expect(appointment.id).toBe(mine.id);
    expect(appointment.status).toBe("booked");
    expect(appointment.start).toBe(zonedInstant(day(1), "08:15", "Asia/Jakarta").toISOString().replace(".000Z", "Z"));
    expect(appointment.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(appointment.participant.map((p: Json) => p.actor.reference)).toEqual([`Patient/${budi.id}`, `Practitioner/${clinic.doctor.id}`]);
    expect(appointment.serviceType[0].text).toBe("Poli Penyakit Dalam");
    expect(appointment.identifier[0].value).toBe("2");
    expect(instants(body).every((v) => v.endsWith("Z"))).toBe(true);
    // both of Budi's visits without a date; a plain day is a UTC day
    expect((await fhir(`/fhir/r4/Appointment?patient=${budi.id}`)).body.total).toBe(2);
    const utcDay = zonedInstant(day(2), "08:00", "Asia/Jakarta").toISOString().slice(0, 10);
    expect((await fhir(`/fhir/r4/Appointment?patient=${budi.id}&date=${utcDay}`)).body.entry.map((e: Json) => e.resource.start.slice(0, 10))).toEqual([utcDay]);
  });

  it("filters by status and practitioner, and pages with _count", async () => {
    const cancelled = await fhir(`/fhir/r4/Appointment?patient=${siti.id}&status=cancelled`);
    expect(cancelled.body.entry.map((e: Json) => e.resource.status)).toEqual(["cancelled"]);
    const page = await fhir(`/fhir/r4/Appointment?practitioner=Practitioner/${clinic.doctor.id}&_count=2`);
    expect(page.body.total).toBe(4);
    expect(page.body.entry).toHaveLength(2);
    const next = page.body.link.find((l: Json) => l.relation === "next").url as string;
    const rest = await fhir(next.replace("http://localhost:3000", ""));
    expect(rest.body.entry).toHaveLength(2);
    expect(rest.body.entry[0].resource.id).not.toBe(page.body.entry[0].resource.id);
  });

  it("answers 400 for an unknown parameter or a bad date, and 404 for an unknown id or type", async () => {
    const unknown = await fhir("/fhir/r4/Appointment?pasien=x");
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].code).toBe("invalid");
    expect((await fhir("/fhir/r4/Appointment?date=besok")).status).toBe(400);
    expect((await fhir("/fhir/r4/Appointment?patient=Practitioner/abc")).status).toBe(400);
    expect((await fhir("/fhir/r4/Appointment/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await fhir("/fhir/r4/Observation")).status).toBe(404);
  });

  it("reads the practitioner, the schedule and the slot an appointment points at (busy)", async () => {
    const appointment = (await fhir(`/fhir/r4/Appointment/${mine.id}`)).body;
    const practitioner = (await fhir(`/fhir/r4/${appointment.participant[1].actor.reference}`)).body;
    expect(practitioner).toMatchObject({ resourceType: "Practitioner", active: true, name: [{ text: "dr. Uji, Sp.PD" }] });
    const slot = await fhir(`/fhir/r4/${appointment.slot[0].reference}`);
    expect(slot.status).toBe(200);
    expect(slot.body).toMatchObject({ resourceType: "Slot", status: "busy", start: appointment.start, end: appointment.end, schedule: { reference: `Schedule/${clinic.doctor.id}` } });
    const schedule = (await fhir(`/fhir/r4/${slot.body.schedule.reference}`)).body;
    expect(schedule.actor[0].reference).toBe(`Practitioner/${clinic.doctor.id}`);
  });

  it("lists a day's slots of a schedule, free and busy, in UTC", async () => {
    const { body } = await fhir(`/fhir/r4/Slot?schedule=Schedule/${clinic.doctor.id}&start=ge${day(1)}T00:00:00+07:00&start=lt${day(2)}T00:00:00+07:00`);
    // 08:00-12:00 in 15 minutes without the 10:00-10:30 break
    expect(body.total).toBe(14);
    const busy = body.entry.filter((e: Json) => e.resource.status === "busy").map((e: Json) => e.resource.start);
    expect(busy).toEqual(["08:15", "08:45"].map((t) => zonedInstant(day(1), t, "Asia/Jakarta").toISOString().replace(".000Z", "Z")));
    expect(instants(body).every((v) => v.endsWith("Z"))).toBe(true);
    const free = await fhir(`/fhir/r4/Slot?practitioner=${clinic.doctor.id}&status=free&start=ge${day(1)}T00:00:00+07:00&start=lt${day(2)}T00:00:00+07:00`);
    expect(free.body.total).toBe(12);
    expect((await fhir(`/fhir/r4/Slot?start=ge${day(1)}&start=lt${day(90)}`)).status).toBe(400);
  });
});

describe("ServiceRequest (referrals)", () => {
  it("maps a referral: status, intent, ICD-10 reason, priority, subject, UTC authoredOn; searchable by patient and authored", async () => {
    const org = await createPartnerOrg(app.runtime, { name: "Klinik Sehat Sentosa" });
    const sentAt = new Date(Date.now() - 3 * 86_400_000);
    const [ref] = await app.runtime.db
      .insert(referrals)
      .values({ direction: "incoming", status: "accepted", contactId: budi.id, partnerOrgId: org.id, branchId: clinic.branch.id, reason: "Sesak napas", icd10Code: "J18.9", icd10Text: "Pneumonia", urgency: "emergency", targetService: "Poli Penyakit Dalam", sentAt })
      .returning();
    await app.runtime.db.insert(referrals).values({ direction: "outgoing", status: "draft", contactId: siti.id, partnerOrgId: org.id, reason: "Kontrol", icd10Code: "I10", icd10Text: "Hipertensi", targetService: "Poli Jantung" });
    const { body } = await fhir(`/fhir/r4/ServiceRequest?subject=Patient/${budi.id}`);
    expect(body.total).toBe(1);
    const sr = body.entry[0].resource;
    expect(sr).toMatchObject({
      id: ref.id,
      status: "active",
      intent: "original-order",
      priority: "stat",
      subject: { reference: `Patient/${budi.id}` },
      requester: { display: "Klinik Sehat Sentosa" },
      reasonCode: [{ coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "J18.9", display: "Pneumonia" }] }],
      authoredOn: `${sentAt.toISOString().slice(0, 19)}Z`,
    });
    expect(sr.category[0].coding[0].code).toBe("3457005");
    const sentDay = sentAt.toISOString().slice(0, 10);
    expect((await fhir(`/fhir/r4/ServiceRequest?patient=${budi.id}&authored=${sentDay}`)).body.total).toBe(1);
    expect((await fhir(`/fhir/r4/ServiceRequest?patient=${budi.id}&authored=gt${sentDay}`)).body.total).toBe(0);
    expect((await fhir(`/fhir/r4/ServiceRequest?status=draft`)).body.entry.map((e: Json) => e.resource.subject.reference)).toEqual([`Patient/${siti.id}`]);
  });
});

describe("a disabled plugin", () => {
  it("takes its resource types out of metadata and answers 404 for them; back when enabled", async () => {
    await app.runtime.registry.setEnabled(app.runtime.db, system, "hospital-referrals", false);
    try {
      const types = (await fhir("/fhir/r4/metadata", null)).body.rest[0].resource.map((r: Json) => r.type);
      expect(types).not.toContain("ServiceRequest");
      expect(types).toContain("Appointment");
      const search = await fhir("/fhir/r4/ServiceRequest");
      expect(search.status).toBe(404);
      expect(search.body.resourceType).toBe("OperationOutcome");
    } finally {
      await app.runtime.registry.setEnabled(app.runtime.db, system, "hospital-referrals", true);
    }
    expect((await fhir("/fhir/r4/ServiceRequest")).status).toBe(200);
  });
});

describe("the schema check itself", () => {
  it("rejects what is not valid FHIR R4", () => {
    expect(fhirSchemaErrors({ resourceType: "Appointment", status: "booked", participant: [{ status: "accepted" }] })).toEqual([]);
    expect(fhirSchemaErrors({ resourceType: "Appointment", status: "booked" })).not.toEqual([]);
    expect(fhirSchemaErrors({ resourceType: "Appointment", status: "booked", participant: [{ status: "accepted" }], start: "besok" })).not.toEqual([]);
    expect(fhirSchemaErrors({ resourceType: "Appointment", status: "booked", participant: [{ status: "accepted" }], queue: 3 })).not.toEqual([]);
  });
});

describe("the extension point's rules", () => {
  const manifest = (id: string) => ({ id, version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} });
  const locales = { id: { meta: { name: "Uji", description: "Plugin uji." } }, en: { meta: { name: "Test", description: "A test plugin." } } };
  const provider = { searchParams: [], read: async () => null, search: async () => ({ total: 0, resources: [] }) };
  const withTypes = (id: string, types: string[]) => ({
    manifest: manifest(id),
    locales,
    server: async () => ({ default: { fhirResources: Object.fromEntries(types.map((t) => [t, provider])) } }),
  });

  it("refuses at start-up a plugin that offers Patient (the core's) or a type another plugin offers", async () => {
    await expect(PluginRegistry.load([withTypes("uji-pasien", ["Patient"])])).rejects.toThrow(/"Patient" is already served by core/);
    await expect(PluginRegistry.load([withTypes("uji-a", ["Encounter"]), withTypes("uji-b", ["Encounter"])])).rejects.toThrow(/"Encounter" is already served by uji-a/);
    await expect(PluginRegistry.load([withTypes("uji-c", ["Encounter"])])).resolves.toBeInstanceOf(PluginRegistry);
  });

  it("recognises a search error thrown by another copy of the core module (plugins load from source, the core from the build)", () => {
    expect(FhirSearchError.is(new FhirSearchError("x"))).toBe(true);
    expect(FhirSearchError.is(Object.assign(new Error("x"), { [Symbol.for("nusa-crm.FhirSearchError")]: true }))).toBe(true);
    expect(FhirSearchError.is(new Error("x"))).toBe(false);
  });
});
