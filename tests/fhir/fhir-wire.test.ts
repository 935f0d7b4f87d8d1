// The wire rules strict FHIR servers and clients rely on: no empty values, meta.versionId and
// meta.lastUpdated everywhere, ETag and 304 on conditional reads, POST _search, 406 for formats
// we do not speak, unknown codes refused, and participant statuses that agree with the visit.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../../app/core/api-tokens/api-tokens.server.ts";
import { pruneEmpty } from "../../app/core/fhir/fhir-response.server.ts";
import { contacts } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { appointments, practitioners } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { zonedInstant } from "../../app/plugin-api/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { createContact, createTestApp } from "../support/test-app.ts";
import { emptyValues, fhirCall, type Json } from "./fhir-client.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let token = "";
let clinic: Awaited<ReturnType<typeof createClinic>>;
let patient: typeof contacts.$inferSelect;
let visit: typeof appointments.$inferSelect;
let cancelled: typeof appointments.$inferSelect;
const visitDay = "2026-12-08";

const fhir = (path: string, options: Parameters<typeof fhirCall>[2] = {}) => fhirCall(app.runtime, path, { token, ...options });

async function book(contactId: string, time: string, queueNumber: number, status: (typeof appointments.$inferInsert)["status"] = "booked") {
  const startAt = zonedInstant(visitDay, time, "Asia/Jakarta");
  const [row] = await app.runtime.db
    .insert(appointments)
    .values({
      contactId,
      practitionerId: clinic.doctor.id,
      serviceId: clinic.service.id,
      branchId: clinic.branch.id,
      startAt,
      endAt: new Date(startAt.getTime() + 15 * 60_000),
      localDate: visitDay,
      queueNumber,
      status,
      channel: "frontdesk",
      ...(status === "proposed" ? { holdExpiresAt: new Date(Date.now() + 3_600_000) } : {}),
    })
    .returning();
  return row;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
  const created = await createApiToken(app.runtime.db, { kind: "system" }, { name: "uji", scopes: ["system/*.read"], expiresAt: null });
  if (!created.ok) throw new Error(created.error);
  token = created.secret;
  clinic = await createClinic(app.runtime);
  // no identifiers, no e-mail, a blank address: nothing of it may come out as an empty value
  patient = await createContact(app.runtime, { fullName: "Dewi Lestari", phone: null, email: null, address: " ", gender: "female" });
  const other = await createContact(app.runtime, { fullName: "Rudi Hartono" });
  visit = await book(patient.id, "08:15", 2);
  cancelled = await book(other.id, "08:30", 3, "cancelled");
});
afterAll(() => app.close());

describe("no empty values", () => {
  it("leaves out an element that has no value (a patient without identifiers has no identifier array)", async () => {
    const { body } = await fhir(`/fhir/r4/Patient/${patient.id}`);
    expect(body.identifier).toBeUndefined();
    expect(body.telecom).toBeUndefined();
    expect(body.address).toBeUndefined();
    expect(emptyValues(body)).toEqual([]);
  });

  it("the pruning and the rule that checks it catch [], {}, '', blanks and null at any depth", () => {
    const bad = { a: [], b: { c: "" }, d: [{ e: null }, { f: " " }], g: "x", h: [1, { i: {} }] };
    expect(emptyValues(bad)).toEqual(["$.a: []", '$.b.c: ""', "$.d[0].e: null", '$.d[1].f: " "', "$.h[1].i: {}"]);
    expect(pruneEmpty(bad)).toEqual({ g: "x", h: [1] });
    expect(emptyValues(pruneEmpty(bad))).toEqual([]);
  });
});

describe("meta, ETag and conditional reads", () => {
  it("gives every type meta.versionId and meta.lastUpdated (whole seconds, UTC), also the computed Slot", async () => {
    const appointment = (await fhir(`/fhir/r4/Appointment/${visit.id}`)).body;
    const paths = [
      `/fhir/r4/Patient/${patient.id}`,
      `/fhir/r4/Appointment/${visit.id}`,
      `/fhir/r4/Practitioner/${clinic.doctor.id}`,
      `/fhir/r4/Schedule/${clinic.doctor.id}`,
      `/fhir/r4/${appointment.slot[0].reference}`,
    ];
    for (const path of paths) {
      const { status, body, headers } = await fhir(path);
      expect(status, path).toBe(200);
      expect(body.meta.versionId, path).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(body.meta.lastUpdated, path).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(headers.get("ETag"), path).toBe(`W/"${body.meta.versionId}"`);
      expect(headers.get("Last-Modified"), path).toBe(new Date(body.meta.lastUpdated).toUTCString());
    }
    // and in a searchset, each entry
    const bundle = (await fhir(`/fhir/r4/Slot?schedule=Schedule/${clinic.doctor.id}&start=ge${visitDay}T00:00:00%2B07:00&start=lt${visitDay}T23:59:00%2B07:00`)).body;
    expect(bundle.entry.length).toBe(14);
    for (const e of bundle.entry) expect(Object.keys(e.resource.meta).sort()).toEqual(["lastUpdated", "versionId"]);
  });

  it("answers 304 to If-None-Match of the current version and 200 with a new ETag once the resource changed", async () => {
    const first = await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`);
    const etag = first.headers.get("ETag")!;
    const again = await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    expect(again.headers.get("ETag")).toBe(etag);
    expect((await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`, { headers: { "If-None-Match": 'W/"lain", *' } })).status).toBe(304);
    expect((await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`, { headers: { "If-None-Match": 'W/"versi-lama"' } })).status).toBe(200);
    await app.runtime.db.update(practitioners).set({ specialty: "Penyakit Dalam" }).where(eq(practitioners.id, clinic.doctor.id));
    const changed = await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`, { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
    expect(changed.body.qualification[0].code.text).toBe("Penyakit Dalam");
    // the drizzle update moved lastUpdated too ($onUpdate)
    expect(Date.parse(changed.body.meta.lastUpdated)).toBeGreaterThanOrEqual(Math.floor(Date.parse(first.body.meta.lastUpdated) / 1000) * 1000);
  });

  it("answers 304 to If-Modified-Since at or after lastUpdated, 200 before it", async () => {
    const { body } = await fhir(`/fhir/r4/Appointment/${visit.id}`);
    const at = Date.parse(body.meta.lastUpdated);
    const ims = (t: number) => fhir(`/fhir/r4/Appointment/${visit.id}`, { headers: { "If-Modified-Since": new Date(t).toUTCString() } });
    expect((await ims(at)).status).toBe(304);
    expect((await ims(at + 60_000)).status).toBe(304);
    expect((await ims(at - 1000)).status).toBe(200);
    expect((await fhir(`/fhir/r4/Appointment/${visit.id}`, { headers: { "If-Modified-Since": "bukan tanggal" } })).status).toBe(200);
  });

  it("a new booking of a slot changes the Slot's version", async () => {
    const slotPath = `/fhir/r4/Slot/${clinic.doctor.id}.${zonedInstant(visitDay, "09:00", "Asia/Jakarta").toISOString().slice(0, 16).replace(/[-T:]/g, "")}`;
    const before = await fhir(slotPath);
    expect(before.body.status).toBe("free");
    const other = await createContact(app.runtime, { fullName: "Maya Sari" });
    await book(other.id, "09:00", 5);
    const after = await fhir(slotPath, { headers: { "If-None-Match": before.headers.get("ETag")! } });
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("busy");
  });
});

describe("POST [type]/_search", () => {
  it("answers the same Bundle entries as GET, with parameters in a form-encoded body", async () => {
    const get = await fhir(`/fhir/r4/Appointment?patient=Patient/${patient.id}&status=booked,arrived`);
    const post = await fhir("/fhir/r4/Appointment/_search", { form: { patient: `Patient/${patient.id}`, status: "booked,arrived" } });
    expect(post.status).toBe(200);
    expect(post.body.type).toBe("searchset");
    expect(post.body.total).toBe(get.body.total);
    expect(post.body.entry.map((e: Json) => e.resource.id)).toEqual(get.body.entry.map((e: Json) => e.resource.id));
    expect(post.body.entry.map((e: Json) => e.resource.id)).toEqual([visit.id]);
    // parameters in the URL and the body are combined; the body's errors are the same 400s
    const mixed = await fhir(`/fhir/r4/Appointment/_search?status=cancelled`, { form: { practitioner: clinic.doctor.id } });
    expect(mixed.body.entry.map((e: Json) => e.resource.id)).toEqual([cancelled.id]);
    expect((await fhir("/fhir/r4/Appointment/_search", { form: { pasien: "x" } })).status).toBe(400);
  });

  it("refuses another body type (415), GET on _search and POST on the type (405 with Allow)", async () => {
    const json = await fhir("/fhir/r4/Appointment/_search", { method: "POST", headers: { "Content-Type": "application/json" } });
    expect(json.status).toBe(415);
    const get = await fhir("/fhir/r4/Appointment/_search");
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
    const create = await fhir("/fhir/r4/Appointment", { form: { status: "booked" } });
    expect(create.status).toBe(405);
    expect(create.headers.get("Allow")).toBe("GET");
  });
});

describe("formats", () => {
  it("answers 406 with an OperationOutcome for XML by Accept or _format, on reads, searches and metadata", async () => {
    for (const path of [`/fhir/r4/Patient/${patient.id}`, "/fhir/r4/Patient", "/fhir/r4/metadata"]) {
      const accept = await fhir(path, { headers: { Accept: "application/fhir+xml" } });
      expect(accept.status, path).toBe(406);
      expect(accept.body.resourceType).toBe("OperationOutcome");
      expect(accept.body.issue[0].code).toBe("not-supported");
      const format = await fhir(`${path}?_format=xml`);
      expect(format.status, path).toBe(406);
    }
  });

  it("serves JSON to JSON, wildcards, a browser's Accept and a list that prefers XML but takes JSON", async () => {
    for (const accept of ["application/fhir+json", "application/json", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/fhir+xml, application/fhir+json;q=0.5"]) {
      expect((await fhir(`/fhir/r4/Patient/${patient.id}`, { headers: { Accept: accept } })).status, accept).toBe(200);
    }
    expect((await fhir(`/fhir/r4/Patient/${patient.id}?_format=application/fhir%2Bjson`)).status).toBe(200);
    expect((await fhir(`/fhir/r4/Patient/${patient.id}`, { headers: { Accept: "application/fhir+json;q=0, application/fhir+xml" } })).status).toBe(406);
  });
});

describe("unknown code values", () => {
  it("are refused with 400 like unknown parameters; known codes we do not hold match nothing", async () => {
    for (const path of [
      "/fhir/r4/Patient?gender=unknown-value",
      "/fhir/r4/Appointment?status=dibatalkan",
      "/fhir/r4/Slot?status=kosong",
      "/fhir/r4/ServiceRequest?status=aktif",
      "/fhir/r4/ServiceRequest?priority=segera",
      "/fhir/r4/Patient?gender=http://contoh.id/gender|female",
    ]) {
      const { status, body } = await fhir(path);
      expect(status, path).toBe(400);
      expect(body.issue[0].code).toBe("invalid");
    }
    expect((await fhir("/fhir/r4/Patient?gender=unknown")).body.total).toBe(0);
    expect((await fhir("/fhir/r4/Patient?gender=http://hl7.org/fhir/administrative-gender|female")).body.entry.map((e: Json) => e.resource.id)).toEqual([patient.id]);
    expect((await fhir("/fhir/r4/Appointment?status=entered-in-error")).body.total).toBe(0);
  });
});

describe("a cancelled appointment", () => {
  it("has its participants declined; a proposed one waits for the patient; a booked one is accepted", async () => {
    const c = (await fhir(`/fhir/r4/Appointment/${cancelled.id}`)).body;
    expect(c.status).toBe("cancelled");
    expect(c.participant.map((p: Json) => p.status)).toEqual(["declined", "declined"]);
    const b = (await fhir(`/fhir/r4/Appointment/${visit.id}`)).body;
    expect(b.participant.map((p: Json) => p.status)).toEqual(["accepted", "accepted"]);
    const other = await createContact(app.runtime, { fullName: "Agus Salim" });
    const held = await book(other.id, "09:15", 6, "proposed");
    const p = (await fhir(`/fhir/r4/Appointment/${held.id}`)).body;
    expect(p.participant.map((x: Json) => x.status)).toEqual(["needs-action", "accepted"]);
  });
});

describe("times", () => {
  it("serves every dateTime in whole seconds even when the database holds milliseconds", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-12-06T03:04:05.678Z"));
      await app.runtime.db.update(practitioners).set({ name: "dr. Uji, Sp.PD" }).where(eq(practitioners.id, clinic.doctor.id));
      const { body } = await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`);
      expect(body.meta.lastUpdated).toBe("2026-12-06T03:04:05Z");
    } finally {
      vi.useRealTimers();
    }
  });
});
