// SATUSEHAT-shaped Encounter and ServiceRequest: an Encounter per visit following check-in and
// completion, a ServiceRequest linked to it with an ICD-10 reason and requester/performer
// references, identifiers in SATUSEHAT's systems once an admin saved the organisation's ids on
// /staff/settings/satusehat, and a practitioner's NIK recorded on the setup page.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/core/api-tokens/api-tokens.server.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import * as settingsRoute from "../../app/routes/staff/settings.satusehat.tsx";
import { appSettings, auditLog } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { changeStatus } from "../../plugins/hospital-appointments/booking.server.ts";
import * as setupRoute from "../../plugins/hospital-appointments/routes/staff.appointments.setup.tsx";
import { appointments, practitioners } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { zonedInstant } from "../../app/plugin-api/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { callRoute, createContact, createPartnerOrg, createStaff, createTestApp, signedInCookie, unwrap } from "../support/test-app.ts";
import { fhirCall, type Json } from "./fhir-client.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let token = "";
let adminCookie = "";
let clinic: Awaited<ReturnType<typeof createClinic>>;
let visitId = "";
let referralId = "";
let patientId = "";
const system = { kind: "system" } as const;
const fhir = (path: string) => fhirCall(app.runtime, path, { token });
const whole = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
  const created = await createApiToken(app.runtime.db, system, { name: "uji", scopes: ["system/*.read"], expiresAt: null });
  if (!created.ok) throw new Error(created.error);
  token = created.secret;
  const admin = await createStaff(app.runtime, { roles: ["admin"] });
  adminCookie = await signedInCookie(app.runtime, admin.id);
  clinic = await createClinic(app.runtime);
  await app.runtime.db.update(practitioners).set({ ihsNumber: "N10000001" }).where(eq(practitioners.id, clinic.doctor.id));
  const patient = await createContact(app.runtime, { fullName: "Budi Santoso" });
  patientId = patient.id;
  const org = await createPartnerOrg(app.runtime, { name: "Puskesmas Menteng" });
  const [ref] = await app.runtime.db
    .insert(referrals)
    .values({ direction: "incoming", status: "scheduled", contactId: patient.id, partnerOrgId: org.id, branchId: clinic.branch.id, reason: "Demam tinggi 5 hari", icd10Code: "A91", icd10Text: "Demam berdarah dengue", targetService: "Poli Penyakit Dalam", sentAt: new Date("2026-12-01T02:03:04.567Z") })
    .returning();
  referralId = ref.id;
  const startAt = zonedInstant("2026-12-08", "08:15", "Asia/Jakarta");
  const [visit] = await app.runtime.db
    .insert(appointments)
    .values({ contactId: patient.id, practitionerId: clinic.doctor.id, serviceId: clinic.service.id, branchId: clinic.branch.id, startAt, endAt: new Date(startAt.getTime() + 15 * 60_000), localDate: "2026-12-08", queueNumber: 2, channel: "referral", sourceType: "hospital-referrals.referral", sourceId: ref.id })
    .returning();
  visitId = visit.id;
  await app.runtime.db.update(referrals).set({ appointmentId: visit.id }).where(eq(referrals.id, ref.id));
});
afterAll(() => app.close());

describe("Encounter", () => {
  it("one per visit: class AMB, planned until check-in, subject, attender with IHS number, location and serviceProvider", async () => {
    const { status, body } = await fhir(`/fhir/r4/Encounter/${visitId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      resourceType: "Encounter",
      status: "planned",
      class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" },
      subject: { reference: `Patient/${patientId}` },
      participant: [{ type: [{ coding: [{ code: "ATND" }] }], individual: { reference: `Practitioner/${clinic.doctor.id}`, identifier: { system: "https://fhir.kemkes.go.id/id/nakes-his-number", value: "N10000001" } } }],
      period: { start: "2026-12-08T01:15:00Z" },
      basedOn: [{ reference: `ServiceRequest/${referralId}` }],
      appointment: [{ reference: `Appointment/${visitId}` }],
    });
    expect(body.location[0].location.display).toContain(clinic.branch.name);
    expect(body.serviceProvider.display).toBe(clinic.branch.name);
    // no SATUSEHAT ids yet: our queue number only, no reference to a SATUSEHAT Organization
    expect(body.identifier.map((i: Json) => i.system)).toEqual(["https://nusa-crm.id/fhir/sid/queue-number"]);
    expect(body.serviceProvider.reference).toBeUndefined();
  });

  it("follows arrival and completion: arrived with the arrival as period start, then finished with an end and history, in whole seconds", async () => {
    const services = pluginServices(app.runtime);
    expect(await changeStatus(app.runtime.db, services, system, { appointmentId: visitId, action: "checkIn" })).toEqual({ ok: true });
    const arrived = (await fhir(`/fhir/r4/Encounter/${visitId}`)).body;
    const [row] = await app.runtime.db.select().from(appointments).where(eq(appointments.id, visitId));
    expect(arrived.status).toBe("arrived");
    expect(arrived.period.start).toBe(`${row.arrivedAt!.toISOString().slice(0, 19)}Z`);
    expect(arrived.period.end).toBeUndefined();
    expect(await changeStatus(app.runtime.db, services, system, { appointmentId: visitId, action: "fulfil" })).toEqual({ ok: true });
    const finished = (await fhir(`/fhir/r4/Encounter/${visitId}`)).body;
    expect(finished.status).toBe("finished");
    expect(finished.period.end).toMatch(whole);
    expect(finished.statusHistory.map((h: Json) => h.status)).toEqual(["planned", "arrived", "finished"]);
    for (const v of [finished.period.start, finished.period.end, ...finished.statusHistory.flatMap((h: Json) => [h.period.start, h.period.end].filter(Boolean))]) expect(v).toMatch(whole);
    expect((await fhir(`/fhir/r4/Encounter?patient=Patient/${patientId}&status=finished`)).body.total).toBe(1);
    expect((await fhir(`/fhir/r4/Encounter?patient=Patient/${patientId}&status=planned`)).body.total).toBe(0);
    expect((await fhir("/fhir/r4/Encounter?status=selesai")).status).toBe(400);
  });
});

describe("ServiceRequest", () => {
  it("is linked to its Encounter, has an ICD-10 coded reason, and requester and performer as references", async () => {
    const { body } = await fhir(`/fhir/r4/ServiceRequest/${referralId}`);
    expect(body.encounter).toEqual({ reference: `Encounter/${visitId}` });
    expect(body.reasonCode[0].coding[0]).toEqual({ system: "http://hl7.org/fhir/sid/icd-10", code: "A91", display: "Demam berdarah dengue" });
    expect(body.code.coding[0].code).toBe("3457005");
    expect(body.requester).toMatchObject({ type: "Organization", identifier: { system: "https://nusa-crm.id/fhir/sid/partner-organisation" }, display: "Puskesmas Menteng" });
    expect(body.performer[0]).toMatchObject({ type: "Organization", display: clinic.branch.name });
    expect(body.authoredOn).toBe("2026-12-01T02:03:04Z");
    // the linked Encounter resolves
    expect((await fhir(`/fhir/r4/${body.encounter.reference}`)).status).toBe(200);
  });
});

describe("the organisation's SATUSEHAT ids", () => {
  const save = (form: Record<string, string>) => callRoute(app.runtime, settingsRoute.action, { path: "/staff/settings/satusehat", cookie: adminCookie, form });

  it("refuses a malformed id with a translated message and changes nothing", async () => {
    const result = unwrap(await save({ organizationId: "10000004; drop", [`location.${clinic.branch.id}`]: "ok-1" }));
    expect(result.status).toBe(400);
    expect((result.data as { errors: Record<string, string> }).errors).toEqual({ organizationId: "fhir:satusehat.errors.id" });
    expect(await app.runtime.db.select().from(appSettings).where(eq(appSettings.key, "fhir.satusehat"))).toEqual([]);
  });

  it("once saved, Encounter and ServiceRequest carry identifiers in SATUSEHAT's systems and reference its Organization and Location", async () => {
    const locationId = "b017aa54-f1df-4ec2-9d84-8823815d7228";
    const result = (await save({ organizationId: "10000004", [`location.${clinic.branch.id}`]: locationId })) as Response;
    expect(result.status).toBe(302);
    const audited = await app.runtime.db.select().from(auditLog).where(eq(auditLog.entityId, "fhir.satusehat"));
    expect(audited).toHaveLength(1);
    const page = unwrap(await callRoute(app.runtime, settingsRoute.loader, { path: "/staff/settings/satusehat", cookie: adminCookie })).data as Json;
    expect(page.settings).toEqual({ organizationId: "10000004", locationIds: { [clinic.branch.id]: locationId } });

    const encounter = (await fhir(`/fhir/r4/Encounter/${visitId}`)).body;
    expect(encounter.identifier[0]).toEqual({ use: "official", system: "http://sys-ids.kemkes.go.id/encounter/10000004", value: visitId });
    expect(encounter.serviceProvider).toEqual({ reference: "Organization/10000004", display: clinic.branch.name });
    expect(encounter.location[0].location.reference).toBe(`Location/${locationId}`);

    const sr = (await fhir(`/fhir/r4/ServiceRequest/${referralId}`)).body;
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.id, referralId));
    expect(sr.identifier[0]).toEqual({ use: "official", system: "http://sys-ids.kemkes.go.id/servicerequest/10000004", value: ref.number });
    expect(sr.performer[0]).toEqual({ reference: "Organization/10000004", display: clinic.branch.name });
    expect((await fhir(`/fhir/r4/ServiceRequest?identifier=http://sys-ids.kemkes.go.id/servicerequest/10000004|${ref.number}`)).body.total).toBe(1);
  });

  it("only an admin may see or change them", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    const cookie = await signedInCookie(app.runtime, agent.id);
    const refused = await callRoute(app.runtime, settingsRoute.action, { path: "/staff/settings/satusehat", cookie, form: { organizationId: "666" } });
    expect(unwrap(refused).status).toBe(403);
  });
});

describe("a practitioner's NIK", () => {
  it("is recorded on the setup page (16 digits, checked) and served as SATUSEHAT's NIK identifier", async () => {
    const manager = await createStaff(app.runtime, { roles: ["manager"] });
    const cookie = await signedInCookie(app.runtime, manager.id);
    const submit = (nik: string) =>
      callRoute(app.runtime, setupRoute.action, { path: "/staff/appointments/setup", cookie, form: { intent: "updatePractitioner", practitionerId: clinic.doctor.id, name: "dr. Uji, Sp.PD", nik } });
    const bad = unwrap(await submit("31710112"));
    expect(bad.status).toBe(400);
    const [unchanged] = await app.runtime.db.select().from(practitioners).where(eq(practitioners.id, clinic.doctor.id));
    expect(unchanged.nik).toBeNull();
    await submit("3171 0112 0784 0001");
    const [row] = await app.runtime.db.select().from(practitioners).where(eq(practitioners.id, clinic.doctor.id));
    expect(row.nik).toBe("3171011207840001");
    const { body } = await fhir(`/fhir/r4/Practitioner/${clinic.doctor.id}`);
    expect(body.identifier).toContainEqual({ use: "official", system: "https://fhir.kemkes.go.id/id/nik", value: "3171011207840001" });
    expect((await fhir("/fhir/r4/Practitioner?identifier=https://fhir.kemkes.go.id/id/nik|3171011207840001")).body.total).toBe(1);
  });
});
