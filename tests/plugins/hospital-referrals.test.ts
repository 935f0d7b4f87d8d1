import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referralForm } from "./referral-fixtures.ts";
import { contactIdentifiers, interactions } from "../../db/schema/index.ts";
import { callRoute, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as partnerReferral from "../../plugins/hospital-referrals/routes/partner.referral.tsx";
import * as partnerReferrals from "../../plugins/hospital-referrals/routes/partner.referrals.tsx";
import * as staffReferral from "../../plugins/hospital-referrals/routes/staff.referral.tsx";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { randomUUID } from "node:crypto";
import { visitBookedEvent } from "../../plugins/hospital-appointments/events.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
});
afterAll(() => app.close());


describe("incoming referrals from a partner clinic", () => {
  it("creates the patient by NIK, then matches them on the next referral", async () => {
    const org = await createPartnerOrg(app.runtime);
    const user = await createPartnerUser(app.runtime, org.id);
    const first = unwrap(await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: user.cookie, form: referralForm("3171014501900002") }));
    expect(first.status).toBe(302);
    const second = unwrap(await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: user.cookie, form: { ...referralForm("3171014501900002"), bpjs: "" } }));
    expect(second.status).toBe(302);
    const rows = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    expect(rows).toHaveLength(2);
    expect(rows[0].contactId).toBe(rows[1].contactId);
    expect(rows[0].icd10Code).toBe("J18.9");
    expect(rows[0].status).toBe("sent");
    const ids = await app.runtime.db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, rows[0].contactId));
    expect(ids.map((i) => i.system).sort()).toEqual(["bpjs", "nik"]);
  });

  it("a partner sees only its own organisation's referrals, and cannot act on another's", async () => {
    const [orgA, orgB] = [await createPartnerOrg(app.runtime), await createPartnerOrg(app.runtime)];
    const [userA, userB] = [await createPartnerUser(app.runtime, orgA.id), await createPartnerUser(app.runtime, orgB.id)];
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: userA.cookie, form: referralForm("3171014501900003") });
    const [mine] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, orgA.id));
    const listB = unwrap(await callRoute(app.runtime, partnerReferrals.loader, { path: "/partner/referrals", cookie: userB.cookie })).data as { referrals: { id: string }[] };
    expect(listB.referrals.map((r) => r.id)).not.toContain(mine.id);
    const peek = unwrap(await callRoute(app.runtime, partnerReferral.loader, { path: `/partner/referrals/${mine.id}`, cookie: userB.cookie, params: { referralId: mine.id } }));
    expect(peek.status).toBe(404);
    const act = unwrap(await callRoute(app.runtime, partnerReferral.action, { path: `/partner/referrals/${mine.id}`, cookie: userB.cookie, form: { intent: "accept", referralId: mine.id } }));
    expect(act.status).toBe(404);
    // the sender cannot accept its own referral either: only the receiving side decides
    const self = unwrap(await callRoute(app.runtime, partnerReferral.action, { path: `/partner/referrals/${mine.id}`, cookie: userA.cookie, form: { intent: "accept", referralId: mine.id } }));
    expect(self.data).toEqual({ error: "notAllowed" });
  });

  it("goes sent -> accepted -> scheduled (by booking a visit) -> completed -> referred back, all on the timeline", async () => {
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm("3171014501900004") });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    const act = (intent: string, note?: string) =>
      callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: staff.cookie, form: { intent, referralId: ref.id, ...(note ? { note } : {}) } });
    expect(unwrap(await act("reject")).data).toEqual({ error: "reasonRequired" });
    expect(unwrap(await act("accept")).data).toEqual({ error: null });

    // the appointments plugin announces a visit booked for this referral (its payload, not its code)
    const appointmentId = randomUUID();
    const visit = { version: 1 as const, appointmentId, contactId: ref.contactId, practitionerId: randomUUID(), serviceId: randomUUID(), branchId: randomUUID(), startAt: new Date(Date.now() + 86_400_000).toISOString(), status: "booked" as const, sourceType: "hospital-referrals.referral", sourceId: ref.id };
    await app.runtime.db.transaction((tx) => app.runtime.bus.emit(tx, visitBookedEvent, visit));
    await app.runtime.jobs.drain();
    let [now] = await app.runtime.db.select().from(referrals).where(eq(referrals.id, ref.id));
    expect(now.status).toBe("scheduled");
    expect(now.appointmentId).toBe(appointmentId);

    expect(unwrap(await act("complete")).data).toEqual({ error: null });
    expect(unwrap(await act("backRefer")).data).toEqual({ error: "summaryRequired" });
    expect(unwrap(await act("backRefer", "Pneumonia membaik, lanjut antibiotik oral 5 hari di klinik.")).data).toEqual({ error: null });
    [now] = await app.runtime.db.select().from(referrals).where(eq(referrals.id, ref.id));
    expect(now.status).toBe("back_referred");
    // the partner reads the summary
    const seen = unwrap(await callRoute(app.runtime, partnerReferral.loader, { path: `/partner/referrals/${ref.id}`, cookie: partner.cookie, params: { referralId: ref.id } })).data as {
      referral: { backReferralSummary: string };
      history: { status: string }[];
    };
    expect(seen.referral.backReferralSummary).toContain("antibiotik");
    expect(seen.history.map((h) => h.status)).toEqual(["sent", "accepted", "scheduled", "completed", "back_referred"]);
    const timeline = await app.runtime.db.select().from(interactions).where(and(eq(interactions.contactId, ref.contactId), eq(interactions.sourceType, "hospital-referrals.referral")));
    expect(timeline.filter((i) => i.sourceId === ref.id)).toHaveLength(5);
  });

  it("staff without the manage permission cannot act; other roles cannot read", async () => {
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm("3171014501900005") });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    const marketing = await createStaff(app.runtime, { roles: ["marketing"] });
    expect(unwrap(await callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: agent.cookie, form: { intent: "accept", referralId: ref.id } })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, staffReferral.loader, { path: `/staff/referrals/${ref.id}`, cookie: marketing.cookie, params: { referralId: ref.id } })).status).toBe(403);
  });
});
