// A patient's download holds a FHIR R4 Bundle (collection) of their own records, built by the same
// providers as /fhir/r4; a shopper's holds none.
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referencesIn } from "../../app/core/fhir/patient-bundle.server.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";
import * as exportRoute from "../../app/routes/portal/privacy.export.ts";
import { contactIdentifiers } from "../../db/schema/index.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { appointments } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { fhirSchemaErrors } from "../fhir/fhir-schema.ts";
import { callRoute, createCustomer, createPartnerOrg, createTestApp } from "../support/test-app.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- FHIR JSON read in assertions

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
});
afterAll(() => app.close());

async function download(cookie: string) {
  const response = (await callRoute(app.runtime, exportRoute.loader, { path: "/portal/privacy/export", cookie })) as Response;
  expect(response.status).toBe(200);
  return unzipSync(new Uint8Array(await response.arrayBuffer()));
}

describe("FHIR R4 Bundle in a patient's own download", () => {
  it("holds their Patient, visits (Appointment, Encounter), referrals and what these refer to; valid R4, every reference resolves inside", async () => {
    const clinic = await createClinic(app.runtime);
    const me = await createCustomer(app.runtime);
    const other = await createCustomer(app.runtime);
    await app.runtime.db.insert(contactIdentifiers).values({ contactId: me.contact.id, system: "bpjs", value: "0001234567123" });
    const date = addDays(localDateOf(new Date(), "Asia/Jakarta"), 2);
    const book = async (contactId: string, time: string, queueNumber: number) => {
      const startAt = zonedInstant(date, time, "Asia/Jakarta");
      const [row] = await app.runtime.db
        .insert(appointments)
        .values({ contactId, practitionerId: clinic.doctor.id, serviceId: clinic.service.id, branchId: clinic.branch.id, startAt, endAt: new Date(startAt.getTime() + 15 * 60_000), localDate: date, queueNumber, status: "booked", channel: "portal" })
        .returning();
      return row;
    };
    const mine = [await book(me.contact.id, "09:00", 1), await book(me.contact.id, "10:30", 2)];
    const theirs = await book(other.contact.id, "09:15", 3);
    const org = await createPartnerOrg(app.runtime, { name: "Klinik Sehat Sentosa" });
    const [referral] = await app.runtime.db
      .insert(referrals)
      .values({ direction: "incoming", status: "accepted", contactId: me.contact.id, partnerOrgId: org.id, branchId: clinic.branch.id, reason: "Sesak napas", icd10Code: "J18.9", icd10Text: "Pneumonia", urgency: "routine", targetService: "Poli Penyakit Dalam", sentAt: new Date() })
      .returning();

    const files = await download(me.cookie);
    expect(Object.keys(files)).toContain("fhir/bundle.json");
    const bundle = JSON.parse(strFromU8(files["fhir/bundle.json"])) as Json;
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection" });
    expect(bundle.timestamp).toMatch(/Z$/);

    const resources = bundle.entry.map((e: Json) => e.resource) as Json[];
    const keys = resources.map((r) => `${r.resourceType}/${r.id}`);
    // every entry has a type and an id, once, and a fullUrl ending in them
    for (const e of bundle.entry as Json[]) {
      expect(e.resource.resourceType).toMatch(/^[A-Z]/);
      expect(e.resource.id).toBeTruthy();
      expect(e.fullUrl).toMatch(new RegExp(`/fhir/r4/${e.resource.resourceType}/${e.resource.id}$`));
    }
    expect(new Set(keys).size).toBe(keys.length);
    // worked out by hand: 1 Patient, 2 Appointments, 2 Encounters (one per visit), 1 ServiceRequest
    const count = (type: string) => resources.filter((r) => r.resourceType === type).length;
    expect(count("Patient")).toBe(1);
    expect(count("Appointment")).toBe(2);
    expect(count("Encounter")).toBe(2);
    expect(count("ServiceRequest")).toBe(1);
    expect(keys).toEqual(expect.arrayContaining([`Patient/${me.contact.id}`, ...mine.map((a) => `Appointment/${a.id}`), `ServiceRequest/${referral.id}`]));
    // the doctor they saw, so the Appointment's participant resolves
    expect(keys).toContain(`Practitioner/${clinic.doctor.id}`);
    // every reference points at an entry of this Bundle
    const references = resources.flatMap((r) => referencesIn(r));
    expect(references.length).toBeGreaterThan(5);
    expect(references.filter((ref) => !keys.includes(ref))).toEqual([]);
    // nobody else's records
    const text = strFromU8(files["fhir/bundle.json"]);
    expect(text).not.toContain(other.contact.id);
    expect(text).not.toContain(theirs.id);
  });

  it("is left out for a shopper, who is not a patient here", async () => {
    const shopper = await createCustomer(app.runtime);
    const files = await download(shopper.cookie);
    expect(Object.keys(files)).toContain("data.json");
    expect(Object.keys(files).some((f) => f.startsWith("fhir/"))).toBe(false);
  });
});
