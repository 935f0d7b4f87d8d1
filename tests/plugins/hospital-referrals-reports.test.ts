import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, createContact, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { referralReport, reportWindow } from "../../plugins/hospital-referrals/reports.server.ts";
import * as reportsRoute from "../../plugins/hospital-referrals/routes/staff.referrals.reports.tsx";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalReferrals] });
});
afterAll(() => app.close());

const at = (iso: string) => new Date(iso);
const hoursAfter = (iso: string, h: number) => new Date(at(iso).getTime() + h * 3600_000);

async function seedReferrals() {
  const [clinic, hospital] = [await createPartnerOrg(app.runtime, { name: "Klinik Laporan A" }), await createPartnerOrg(app.runtime, { name: "RS Laporan B", type: "hospital" })];
  const contact = await createContact(app.runtime);
  const base = { contactId: contact.id, reason: "Keluhan", icd10Code: "J18.9", icd10Text: "Pneumonia", targetService: "Poli Penyakit Dalam" };
  // October 2026 (WIB), incoming from the clinic: accepted after 2 h and 6 h, back-referred after 10 h, one rejected, one waiting
  const oct = "2026-10-05T02:00:00Z";
  await app.runtime.db.insert(referrals).values([
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "accepted", sentAt: at(oct), decidedAt: hoursAfter(oct, 2) },
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "scheduled", sentAt: at(oct), decidedAt: hoursAfter(oct, 6) },
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "back_referred", sentAt: at(oct), decidedAt: hoursAfter(oct, 10) },
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "rejected", sentAt: at(oct), decidedAt: hoursAfter(oct, 1), rejectionReason: "Penuh" },
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "sent", sentAt: at(oct) },
    // a draft never counts
    { ...base, partnerOrgId: clinic.id, direction: "incoming", status: "draft" },
    // 31 Oct 20:00 UTC is already 1 November in WIB
    { ...base, partnerOrgId: hospital.id, direction: "outgoing", status: "rejected", sentAt: at("2026-10-31T20:00:00Z"), decidedAt: at("2026-11-01T01:00:00Z") },
    { ...base, partnerOrgId: hospital.id, direction: "outgoing", status: "completed", sentAt: at("2026-11-02T03:00:00Z"), decidedAt: at("2026-11-03T03:00:00Z") },
  ]);
  return { clinic, hospital };
}

describe("referral reports", () => {
  it("counts per month (WIB), partner and direction, with acceptance rate and time to accept, in SQL", async () => {
    const { clinic, hospital } = await seedReferrals();
    const report = await referralReport(app.runtime.db, { from: "2026-10", to: "2026-11" });
    expect(report.rows).toEqual([
      { month: "2026-11", partnerOrgId: hospital.id, partnerName: "RS Laporan B", direction: "outgoing", sent: 2, accepted: 1, rejected: 1, pending: 0, acceptanceRate: 50, medianHoursToAccept: 24, avgHoursToAccept: 24 },
      { month: "2026-10", partnerOrgId: clinic.id, partnerName: "Klinik Laporan A", direction: "incoming", sent: 5, accepted: 3, rejected: 1, pending: 1, acceptanceRate: 75, medianHoursToAccept: 6, avgHoursToAccept: 6 },
    ]);
    expect(report.totals.map((t) => [t.direction, t.sent, t.acceptanceRate])).toEqual([
      ["incoming", 5, 75],
      ["outgoing", 2, 50],
    ]);
    // the window and the direction filter are honoured
    const octOnly = await referralReport(app.runtime.db, { from: "2026-10", to: "2026-10" });
    expect(octOnly.rows.map((r) => r.month)).toEqual(["2026-10"]);
    const outOnly = await referralReport(app.runtime.db, { from: "2026-01", to: "2026-12", direction: "outgoing" });
    expect(outOnly.rows.every((r) => r.direction === "outgoing")).toBe(true);
    expect(outOnly.totals).toHaveLength(1);
    const empty = await referralReport(app.runtime.db, { from: "2025-01", to: "2025-02" });
    expect(empty).toEqual({ rows: [], totals: [] });
  });

  it("the window defaults to the last twelve months and refuses nonsense", () => {
    expect(reportWindow(null, null, "Asia/Jakarta", at("2026-11-24T06:00:00Z"))).toEqual({ from: "2025-12", to: "2026-11" });
    expect(reportWindow("2026-13", "x", "Asia/Jakarta", at("2026-11-24T06:00:00Z"))).toEqual({ from: "2025-12", to: "2026-11" });
    expect(reportWindow("2026-11", "2026-01", "Asia/Jakarta")).toEqual({ from: "2026-01", to: "2026-11" });
  });

  it("the page needs the read permission; partners and staff without it are refused", async () => {
    const reader = await createStaff(app.runtime, { roles: ["manager"] });
    const ok = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: "/staff/referrals/reports?from=2026-10&to=2026-11&direction=incoming", cookie: reader.cookie })) as { data: { rows: { direction: string }[]; from: string } };
    expect(ok.data.from).toBe("2026-10");
    expect(ok.data.rows.length).toBeGreaterThan(0);
    expect(ok.data.rows.every((r) => r.direction === "incoming")).toBe(true);
    const nobody = await createStaff(app.runtime, { roles: [] });
    const denied = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: "/staff/referrals/reports", cookie: nobody.cookie }));
    expect(denied.status).toBe(403);
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    const refused = unwrap(await callRoute(app.runtime, reportsRoute.loader, { path: "/staff/referrals/reports", cookie: partner.cookie }));
    expect([302, 403, 404]).toContain(refused.status);
  });
});
