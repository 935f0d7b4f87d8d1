// Finding the patient on the outgoing-referral form: the core search through the plugin API, ten
// matches at most, what was typed kept, only for staff who may write referrals.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactIdentifiers, rolePermissions } from "../../db/schema/index.ts";
import { callRoute, createContact, createStaff, createPartnerOrg, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as staffReferrals from "../../plugins/hospital-referrals/routes/staff.referrals.tsx";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalReferrals] });
});
afterAll(() => app.close());

interface Page {
  q: string;
  matches: { id: string; fullName: string; identifiers: string[]; phone: string | null; birthDate: string | null }[];
  selected: { id: string; fullName: string } | null;
  draft: Record<string, string>;
}
const load = async (cookie: string, query: string) =>
  unwrap(await callRoute(app.runtime, staffReferrals.loader, { path: `/staff/referrals?box=out&${query}`, cookie })).data as Page;

describe("patient search on the outgoing referral form", () => {
  it("finds by name with a typo, by NIK, by record number and by phone", async () => {
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    const wanted = await createContact(app.runtime, { fullName: "Wulandari Kusumaningrum", phone: "+6281299887766", birthDate: "1988-04-12" });
    await createContact(app.runtime, { fullName: "Bambang Pamungkas" });
    await app.runtime.db.insert(contactIdentifiers).values([
      { contactId: wanted.id, system: "nik", value: "3174055204880003" },
      { contactId: wanted.id, system: "external", value: "00451234" },
    ]);
    const byName = await load(doctor.cookie, `q=${encodeURIComponent("wulandari kusumaningrom")}`);
    expect(byName.matches.map((m) => m.fullName)).toEqual(["Wulandari Kusumaningrum"]);
    // enough to tell namesakes apart, never the whole NIK; the doctor reads his patients' contacts, so the whole phone
    expect(byName.matches[0].identifiers.sort()).toEqual(["NIK ••••0003", "RM ••••1234"]);
    expect(byName.matches[0].phone).toBe("+6281299887766");
    expect(byName.matches[0].birthDate).toBe("1988-04-12");
    expect((await load(doctor.cookie, "q=3174055204880003")).matches.map((m) => m.id)).toEqual([wanted.id]);
    expect((await load(doctor.cookie, "q=00451234")).matches.map((m) => m.id)).toEqual([wanted.id]);
    expect((await load(doctor.cookie, "q=081299887766")).matches.map((m) => m.id)).toEqual([wanted.id]);
    const manager = await createStaff(app.runtime, { roles: ["manager"] });
    expect((await load(manager.cookie, "q=081299887766")).matches[0].phone).toBe("+6281299887766");
    // staff who write referrals without contact access (an admin took it from their role) see the phone's tail only
    const contactRead = and(eq(rolePermissions.roleId, "doctor"), eq(rolePermissions.permissionId, "core.contact.read"));
    await app.runtime.db.delete(rolePermissions).where(contactRead);
    try {
      expect((await load(doctor.cookie, "q=081299887766")).matches[0].phone).toBe("••••7766");
    } finally {
      await app.runtime.db.insert(rolePermissions).values({ roleId: "doctor", permissionId: "core.contact.read" });
    }
  });

  it("returns ten matches at most and keeps what was typed in the form", async () => {
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    for (let i = 0; i < 12; i++) await createContact(app.runtime, { fullName: `Sutrisno Hadiwijoyo ${String.fromCharCode(65 + i)}` });
    const org = await createPartnerOrg(app.runtime, { type: "hospital" });
    const page = await load(doctor.cookie, `q=Sutrisno+Hadiwijoyo&partnerOrgId=${org.id}&reason=Nyeri+dada+kiri&icd10Code=I20.0&urgency=urgent&notes=EKG+terlampir&intent=send`);
    expect(page.matches).toHaveLength(10);
    expect(page.draft).toEqual({ partnerOrgId: org.id, reason: "Nyeri dada kiri", icd10Code: "I20.0", urgency: "urgent", notes: "EKG terlampir" });
    expect((await load(doctor.cookie, "q=S")).matches).toEqual([]);
  });

  it("starts from a contact's page with that patient chosen", async () => {
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    const patient = await createContact(app.runtime, { fullName: "Agus Salim Wibowo" });
    const page = await load(doctor.cookie, `contactId=${patient.id}`);
    expect(page.selected).toMatchObject({ id: patient.id, fullName: "Agus Salim Wibowo" });
    expect((await load(doctor.cookie, "contactId=not-a-uuid")).selected).toBeNull();
  });

  it("staff who may only read referrals get no search, and a referral without a patient keeps the typed fields", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    await createContact(app.runtime, { fullName: "Rina Marlina Siregar" });
    const page = await load(agent.cookie, "q=Rina+Marlina+Siregar");
    expect(page.matches).toEqual([]);
    expect(page.draft).toEqual({});
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    const org = await createPartnerOrg(app.runtime, { type: "hospital" });
    const refused = unwrap(
      await callRoute(app.runtime, staffReferrals.action, {
        path: "/staff/referrals",
        cookie: doctor.cookie,
        form: { intent: "send", partnerOrgId: org.id, reason: "Nyeri dada kiri", icd10Code: "I20.0", icd10Text: "Angina", urgency: "urgent", targetService: "Poli Jantung", serviceType: "outpatient" },
      }),
    );
    expect(refused.status).toBe(400);
    const body = refused.data as { errors: string[]; draft: Record<string, string> };
    expect(body.errors).toContain("hospital-referrals:errors.patientRequired");
    expect(body.draft.reason).toBe("Nyeri dada kiri");
  });
});
