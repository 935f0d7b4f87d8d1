import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referralForm } from "./referral-fixtures.ts";
import { interactions } from "../../db/schema/index.ts";
import { callRoute, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as partnerReferral from "../../plugins/hospital-referrals/routes/partner.referral.tsx";
import * as partnerReferrals from "../../plugins/hospital-referrals/routes/partner.referrals.tsx";
import * as staffReferral from "../../plugins/hospital-referrals/routes/staff.referral.tsx";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";

// Cross-plugin: a referral is scheduled by booking a visit in the appointments plugin; the two
// plugins never import each other, the link goes through the appointments.visit.* events.
import * as staffBook from "../../plugins/hospital-appointments/routes/staff.appointments.book.tsx";
import { createClinic } from "../../plugins/hospital-appointments/test-setup.ts";
import { addDays, localDateOf, zonedInstant } from "../../app/plugin-api/index.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
});
afterAll(() => app.close());


describe("a referral scheduled through the appointments plugin", () => {
  it("goes sent -> accepted -> scheduled (by booking a real visit) -> completed -> referred back, all on the timeline", async () => {
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm("3171014501900004") });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    const act = (intent: string, note?: string) =>
      callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: staff.cookie, form: { intent, referralId: ref.id, ...(note ? { note } : {}) } });
    expect(unwrap(await act("reject")).data).toEqual({ error: "reasonRequired" });
    expect(unwrap(await act("accept")).data).toEqual({ error: null });

    const { service, doctor } = await createClinic(app.runtime);
    const startAt = zonedInstant(addDays(localDateOf(new Date(), "Asia/Jakarta"), 1), "09:00", "Asia/Jakarta");
    const booked = unwrap(
      await callRoute(app.runtime, staffBook.action, {
        path: "/staff/appointments/book",
        cookie: staff.cookie,
        form: { intent: "book", contactId: ref.contactId, serviceId: service.id, practitionerId: doctor.id, startAt: startAt.toISOString(), source: `hospital-referrals.referral:${ref.id}` },
      }),
    );
    expect(booked.status).toBe(302);
    await app.runtime.jobs.drain();
    let [now] = await app.runtime.db.select().from(referrals).where(eq(referrals.id, ref.id));
    expect(now.status).toBe("scheduled");
    expect(now.appointmentId).toBeTruthy();

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
});
