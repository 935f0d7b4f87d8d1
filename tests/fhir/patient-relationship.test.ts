// Purpose limitation: FHIR serves as a Patient only a contact the hospital has a relationship with
// (a hospital identifier, an appointment, a referral), never a shopper who is only a retail contact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/core/api-tokens/api-tokens.server.ts";
import { hospitalRelationship } from "../../app/core/contacts/hospital-relationship.server.ts";
import { contactIdentifiers, contacts } from "../../db/schema/index.ts";
import { sql } from "drizzle-orm";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { appointments } from "../../plugins/hospital-appointments/schema.ts";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { zonedInstant } from "../../app/plugin-api/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import { createContact, createPartnerOrg, createTestApp } from "../support/test-app.ts";
import { fhirCall, type Json } from "./fhir-client.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let token = "";
const people: Record<"shopper" | "visitor" | "referred" | "bpjs" | "rm", typeof contacts.$inferSelect> = {} as never;
const fhir = (path: string) => fhirCall(app.runtime, path, { token });

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals, retailPos, retailLoyalty] });
  const created = await createApiToken(app.runtime.db, { kind: "system" }, { name: "uji", scopes: ["system/*.read"], expiresAt: null });
  if (!created.ok) throw new Error(created.error);
  token = created.secret;
  const clinic = await createClinic(app.runtime);
  // the same surname everywhere, so one name search would find all of them
  people.shopper = await createContact(app.runtime, { fullName: "Ani Wijaya", source: "pos", gender: "female" });
  people.visitor = await createContact(app.runtime, { fullName: "Bayu Wijaya", gender: "male" });
  people.referred = await createContact(app.runtime, { fullName: "Citra Wijaya", gender: "female" });
  people.bpjs = await createContact(app.runtime, { fullName: "Dodi Wijaya", gender: "male" });
  people.rm = await createContact(app.runtime, { fullName: "Eka Wijaya", gender: "female" });
  // the shopper has a member card, a POS customer id and even a NIK: none of them is a hospital relationship
  await app.runtime.db.insert(contactIdentifiers).values([
    { contactId: people.shopper.id, system: "member_card", value: "MBR-7001" },
    { contactId: people.shopper.id, system: "pos_customer", value: "POS-7001" },
    { contactId: people.shopper.id, system: "nik", value: "3171014506900001" },
    { contactId: people.bpjs.id, system: "bpjs", value: "0001234567001" },
    { contactId: people.rm.id, system: "external", value: "RM-7001" },
  ]);
  const startAt = zonedInstant("2026-12-08", "08:00", "Asia/Jakarta");
  await app.runtime.db.insert(appointments).values({
    contactId: people.visitor.id,
    practitionerId: clinic.doctor.id,
    serviceId: clinic.service.id,
    branchId: clinic.branch.id,
    startAt,
    endAt: new Date(startAt.getTime() + 15 * 60_000),
    localDate: "2026-12-08",
    queueNumber: 1,
    channel: "frontdesk",
  });
  const org = await createPartnerOrg(app.runtime, { name: "Klinik Pratama Sehat" });
  await app.runtime.db.insert(referrals).values({ direction: "incoming", status: "sent", contactId: people.referred.id, partnerOrgId: org.id, reason: "Batuk lama", icd10Code: "R05", icd10Text: "Batuk", targetService: "Poli Paru", sentAt: new Date() });
});
afterAll(() => app.close());

describe("who is a Patient", () => {
  it("a shopper-only contact is invisible: read 404, and no search finds them (name, NIK, gender, _id)", async () => {
    const read = await fhir(`/fhir/r4/Patient/${people.shopper.id}`);
    expect(read.status).toBe(404);
    expect(read.body.resourceType).toBe("OperationOutcome");
    for (const q of ["name=Ani", "identifier=https://fhir.kemkes.go.id/id/nik|3171014506900001", `_id=${people.shopper.id}`]) {
      const { status, body } = await fhir(`/fhir/r4/Patient?${q}`);
      expect(status, q).toBe(200);
      expect(body.total, q).toBe(0);
    }
    // POST _search is the same door
    const post = await fhirCall(app.runtime, "/fhir/r4/Patient/_search", { token, form: { name: "Ani" } });
    expect(post.body.total).toBe(0);
  });

  it("a visit, a referral, a BPJS number or a medical record number makes a contact a Patient", async () => {
    const { body } = await fhir("/fhir/r4/Patient?name=Wijaya&_count=100");
    expect(body.entry.map((e: Json) => e.resource.name[0].text).sort()).toEqual(["Bayu Wijaya", "Citra Wijaya", "Dodi Wijaya", "Eka Wijaya"]);
    expect(body.total).toBe(4);
    for (const who of ["visitor", "referred", "bpjs", "rm"] as const) expect((await fhir(`/fhir/r4/Patient/${people[who].id}`)).status, who).toBe(200);
    expect((await fhir("/fhir/r4/Patient?gender=female")).body.entry.map((e: Json) => e.resource.id).sort()).toEqual([people.referred.id, people.rm.id].sort());
  });

  it("is defined once: the same condition, with a plugin's part gone when that plugin is disabled", async () => {
    const count = async () => {
      const condition = await hospitalRelationship(app.runtime, sql`${contacts.id}`);
      const rows = await app.runtime.db.select({ name: contacts.fullName }).from(contacts).where(condition);
      return rows.map((r) => r.name).sort();
    };
    expect(await count()).toEqual(["Bayu Wijaya", "Citra Wijaya", "Dodi Wijaya", "Eka Wijaya"]);
    await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "hospital-referrals", false);
    try {
      expect(await count()).toEqual(["Bayu Wijaya", "Dodi Wijaya", "Eka Wijaya"]);
      expect((await fhir(`/fhir/r4/Patient/${people.referred.id}`)).status).toBe(404);
    } finally {
      await app.runtime.registry.setEnabled(app.runtime.db, { kind: "system" }, "hospital-referrals", true);
    }
  });
});
