// hospital-appointments' and hospital-referrals' KPIs against a fixture worked out by hand.
// Jakarta is WIB (+7), Makassar WITA (+8); November 2026.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { weekdayHourGrid } from "../../app/core/reports/kpi-report.server.ts";
import { kpiValue } from "../../app/core/reports/kpis.server.ts";
import { visitTransactions } from "../../plugins/hospital-appointments/analytics-transactions.server.ts";
import { appointmentKpis } from "../../plugins/hospital-appointments/kpis.server.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { referralKpis } from "../../plugins/hospital-referrals/kpis.server.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import { createContact, createPartnerOrg, createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let jkt: string;
const november = { from: "2026-11-01", to: "2026-11-30" };
const now = new Date("2026-12-02T00:00:00Z");

async function one<T>(query: ReturnType<typeof sql>) {
  return rowsOf<T>(await app.runtime.db.execute(query))[0];
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals] });
  const db = app.runtime.db;
  ({ id: jkt } = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('H-JKT', 'RS Jakarta', 'hospital', 'Asia/Jakarta') returning id`));
  const { id: mks } = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('H-MKS', 'RS Makassar', 'hospital', 'Asia/Makassar') returning id`);
  const { id: anak } = await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${jkt}, 'ANAK', 'Poli Anak') returning id`);
  const { id: gigi } = await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${mks}, 'GIGI', 'Poli Gigi') returning id`);
  const { id: drA } = await one<{ id: string }>(sql`insert into hospital_appointments_practitioners (name) values ('dr. Ayu') returning id`);
  const { id: drB } = await one<{ id: string }>(sql`insert into hospital_appointments_practitioners (name) values ('dr. Bima') returning id`);
  const patient = await createContact(app.runtime, { branchId: jkt });
  let queue = 1;
  const appointment = async (v: { service: string; doctor: string; branch: string; start: string; day: string; status: string; confirmed: boolean; created: string }) =>
    db.execute(sql`insert into hospital_appointments_appointments
      (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, confirmed_at, created_at)
      values (${patient.id}, ${v.doctor}, ${v.service}, ${v.branch}, ${v.start}::timestamptz, ${v.start}::timestamptz + interval '15 minutes', ${v.day}::date, ${queue++},
        ${v.status}, 'frontdesk', ${v.confirmed ? v.start : null}::timestamptz, ${v.created}::timestamptz)`);
  // a1: Mon 2 Nov 09:00 WIB, came; booked 1 Nov -> lead 1 day
  await appointment({ service: anak, doctor: drA, branch: jkt, start: "2026-11-02T02:00:00Z", day: "2026-11-02", status: "fulfilled", confirmed: true, created: "2026-11-01T03:00:00Z" });
  // a2: Mon 2 Nov 10:00 WIB, no-show, never confirmed; booked 01:00 WIB on 2 Nov -> lead 0
  await appointment({ service: anak, doctor: drA, branch: jkt, start: "2026-11-02T03:00:00Z", day: "2026-11-02", status: "noshow", confirmed: false, created: "2026-11-01T18:00:00Z" });
  // a3: Tue 3 Nov 09:00 WIB, arrived; lead 2
  await appointment({ service: anak, doctor: drB, branch: jkt, start: "2026-11-03T02:00:00Z", day: "2026-11-03", status: "arrived", confirmed: true, created: "2026-11-01T03:00:00Z" });
  // a4: Tue 3 Nov 09:00 WITA in Makassar, no-show; booked 00:30 WITA on 1 Nov -> lead 2
  await appointment({ service: gigi, doctor: drB, branch: mks, start: "2026-11-03T01:00:00Z", day: "2026-11-03", status: "noshow", confirmed: true, created: "2026-10-31T16:30:00Z" });
  // a5: cancelled -> no visit, not in the no-show rate; lead 3
  await appointment({ service: anak, doctor: drA, branch: jkt, start: "2026-11-04T02:00:00Z", day: "2026-11-04", status: "cancelled", confirmed: false, created: "2026-11-01T03:00:00Z" });
  // a6: December visit, booked 20 Nov -> lead 11, counts for bookings made in November only
  await appointment({ service: anak, doctor: drA, branch: jkt, start: "2026-12-01T02:00:00Z", day: "2026-12-01", status: "fulfilled", confirmed: true, created: "2026-11-20T03:00:00Z" });

  for (const [service, status, created] of [
    [anak, "booked", "2026-11-05T03:00:00Z"],
    [anak, "waiting", "2026-11-06T03:00:00Z"],
    [gigi, "left", "2026-11-07T03:00:00Z"],
  ]) {
    await db.execute(sql`insert into hospital_appointments_waitlist (contact_id, service_id, date_from, date_to, status, channel, created_at)
      values (${patient.id}, ${service}, '2026-11-10', '2026-11-20', ${status}, 'frontdesk', ${created}::timestamptz)`);
  }

  const klinik = await createPartnerOrg(app.runtime, { name: "Klinik Sehat" });
  const puskesmas = await createPartnerOrg(app.runtime, { name: "Puskesmas Kota" });
  const referral = (v: { partner: string; direction?: string; status: string; sent: string | null; decided?: string; scheduled?: string }) =>
    db.execute(sql`insert into hospital_referrals_referrals
      (direction, status, contact_id, partner_org_id, branch_id, reason, icd10_code, icd10_text, target_service, sent_at, decided_at, scheduled_for)
      values (${v.direction ?? "incoming"}, ${v.status}, ${patient.id}, ${v.partner}, ${jkt}, 'r', 'A00', 'x', 'Poli Anak',
        ${v.sent}::timestamptz, ${v.decided ?? null}::timestamptz, ${v.scheduled ?? null}::timestamptz)`);
  // r1: accepted after 4 h
  await referral({ partner: klinik.id, status: "accepted", sent: "2026-11-02T03:00:00Z", decided: "2026-11-02T07:00:00Z" });
  // r2: accepted after 10 h, seen 3 days after sending
  await referral({ partner: klinik.id, status: "completed", sent: "2026-11-03T03:00:00Z", decided: "2026-11-03T13:00:00Z", scheduled: "2026-11-06T03:00:00Z" });
  // r3: accepted after 24 h, seen after 10 days, referred back
  await referral({ partner: puskesmas.id, status: "back_referred", sent: "2026-11-04T03:00:00Z", decided: "2026-11-05T03:00:00Z", scheduled: "2026-11-14T03:00:00Z" });
  // r4: rejected
  await referral({ partner: puskesmas.id, status: "rejected", sent: "2026-11-05T03:00:00Z", decided: "2026-11-05T05:00:00Z" });
  // r5: still waiting for our decision
  await referral({ partner: klinik.id, status: "sent", sent: "2026-11-06T03:00:00Z" });
  // r6: a draft is never counted
  await referral({ partner: klinik.id, status: "draft", sent: null });
  // o1: one outgoing
  await referral({ partner: puskesmas.id, direction: "outgoing", status: "sent", sent: "2026-11-07T03:00:00Z" });
});
afterAll(() => app.close());

async function rowsOfKpi(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery>) {
  const kpi = kpis.find((k) => k.id === id)!;
  const rows = await kpi.compute({ range: november, branchIds: null, dimension: null, now, ...query }, { db: app.runtime.db, t: (k) => k, language: "id" });
  return { kpi, rows };
}
/** The KPI's total. */
async function figure(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery> = {}) {
  const { kpi, rows } = await rowsOfKpi(kpis, id, query);
  return kpiValue(kpi, rows[0]);
}
/** The KPI per value of the query's dimension, keyed by label. */
async function split(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery>) {
  const { kpi, rows } = await rowsOfKpi(kpis, id, query);
  return Object.fromEntries(rows.map((r) => [r.label ?? r.key, kpiValue(kpi, r)]));
}
const round = (v: number | null | undefined) => Math.round((v ?? NaN) * 1000) / 1000;

describe("hospital-appointments KPIs", () => {
  it("visits are attended appointments, by poli and doctor", async () => {
    expect(await figure(appointmentKpis, "visits")).toBe(2);
    expect(await split(appointmentKpis, "visits", { dimension: "doctor" })).toEqual({ "dr. Ayu": 1, "dr. Bima": 1 });
    expect(await figure(appointmentKpis, "visits", { range: { from: "2026-12-01", to: "2026-12-01" } })).toBe(1);
  });

  it("no-show rate over attended + missed, by poli, confirmation, weekday and local hour", async () => {
    expect(await figure(appointmentKpis, "noShowRate")).toBe(50);
    const byPoli = await split(appointmentKpis, "noShowRate", { dimension: "poli" });
    expect(round(byPoli["Poli Anak"])).toBe(33.333);
    expect(byPoli["Poli Gigi"]).toBe(100);
    expect(await split(appointmentKpis, "noShowRate", { dimension: "confirmation" })).toMatchObject({ unconfirmed: 100 });
    expect(round((await split(appointmentKpis, "noShowRate", { dimension: "confirmation" })).confirmed)).toBe(33.333);
    expect(await split(appointmentKpis, "noShowRate", { dimension: "weekday" })).toEqual({ "1": 50, "2": 50 });
    // a4 is at 09:00 in Makassar's own time, not 08:00 WIB
    const byHour = await split(appointmentKpis, "noShowRate", { dimension: "hour" });
    expect(Object.keys(byHour).sort()).toEqual(["09", "10"]);
    expect(byHour["10"]).toBe(100);
    expect(await figure(appointmentKpis, "noShowRate", { branchIds: [jkt] })).toBe((1 / 3) * 100);
    // weekday × hour, each in the branch's own time: Mon 09.00 a1 came (0 %), Mon 10.00 a2 missed
    // (100 %), Tue 09.00 a3 came and a4 (09.00 WITA) missed (50 %)
    const grid = await split(appointmentKpis, "noShowRate", { dimension: "weekdayHour" });
    expect(grid).toEqual({ "1|09": 0, "1|10": 100, "2|09": 50 });
    const { rows } = await rowsOfKpi(appointmentKpis, "noShowRate", { dimension: "weekdayHour" });
    expect(weekdayHourGrid(rows.map((r) => ({ key: r.key ?? "", value: kpiValue(appointmentKpis.find((k) => k.id === "noShowRate")!, r) })), "id")).toEqual({
      rows: ["Senin", "Selasa"],
      columns: ["09.00", "10.00"],
      values: [
        [0, 100],
        [50, null],
      ],
    });
    expect(weekdayHourGrid([{ key: "7|20", value: 1 }], "en").rows).toEqual(["Sunday"]);
  });

  it("waitlist fill rate and booking lead time", async () => {
    expect(await figure(appointmentKpis, "waitlistFillRate")).toBe((1 / 3) * 100);
    // leads 1, 0, 2, 2, 3, 11 -> 19 / 6
    expect(await figure(appointmentKpis, "bookingLeadDays")).toBe(19 / 6);
  });
});

describe("hospital-appointments offers its visits to analytics", () => {
  it("fulfilled visits only, with branch, booking channel and referral source for cohort splits", async () => {
    const visits = await visitTransactions.list({ from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-12-31T00:00:00Z") }, { db: app.runtime.db });
    expect(visits.map((v) => ({ at: v.at.toISOString(), amount: v.amount, branchId: v.branchId, channel: v.channel, referralSource: v.referralSource })).sort((a, b) => a.at.localeCompare(b.at))).toEqual([
      { at: "2026-11-02T02:00:00.000Z", amount: null, branchId: jkt, channel: "frontdesk", referralSource: "direct" },
      { at: "2026-12-01T02:00:00.000Z", amount: null, branchId: jkt, channel: "frontdesk", referralSource: "direct" },
    ]);
  });
});

describe("hospital-referrals KPIs", () => {
  it("referrals in and out per partner; drafts never count", async () => {
    expect(await figure(referralKpis, "referralsIn")).toBe(5);
    expect(await split(referralKpis, "referralsIn", { dimension: "partner" })).toEqual({ "Klinik Sehat": 3, "Puskesmas Kota": 2 });
    expect(await figure(referralKpis, "referralsOut")).toBe(1);
  });

  it("acceptance rate, hours to accept, days to first visit (median, p90), back-referral rate", async () => {
    expect(await figure(referralKpis, "acceptanceRate")).toBe(75);
    expect(await figure(referralKpis, "hoursToAccept")).toBe(10);
    expect(await figure(referralKpis, "daysToFirstVisit")).toBe(6.5);
    expect(round(await figure(referralKpis, "daysToFirstVisitP90"))).toBe(9.3);
    expect(await figure(referralKpis, "backReferralRate")).toBe(50);
  });
});
