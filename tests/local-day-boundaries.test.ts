// Every report, list and default range with a "today" or a day boundary, at 23:59 and 00:01 local
// time in WIB, WITA and WIT: the record of that minute is counted in the right day.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../app/plugin-api/index.ts";
import { surveyResults } from "../app/core/surveys/survey-results.server.ts";
import { contactProfileSchema } from "../app/core/contacts/contact-forms.ts";
import * as apiTokensRoute from "../app/routes/staff/settings.api-tokens.tsx";
import hospitalAppointments from "../plugins/hospital-appointments/index.ts";
import * as dayViewRoute from "../plugins/hospital-appointments/routes/staff.appointments.tsx";
import hospitalReferrals from "../plugins/hospital-referrals/index.ts";
import { referralReport } from "../plugins/hospital-referrals/reports.server.ts";
import { referrals } from "../plugins/hospital-referrals/schema.ts";
import { createConnection } from "../plugins/retail-pos/connections.server.ts";
import retailPos from "../plugins/retail-pos/index.ts";
import * as posReportsRoute from "../plugins/retail-pos/routes/staff.reports.tsx";
import { salesReport } from "../plugins/retail-pos/sales-history.server.ts";
import { atInstant } from "./support/clock.ts";
import type { KpiQuery } from "../app/core/plugins/contract.ts";
import { refreshKpiRollups, rollupRows } from "../app/core/reports/kpi-rollup.server.ts";
import { allKpis } from "../app/core/reports/kpis.server.ts";
import { presetRange, type TimeZone } from "../app/core/time/local-time.ts";
import * as cohortsRoute from "../app/routes/staff/analytics.cohorts.tsx";
import { callRoute, createContact, createPartnerOrg, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

// 23:59 on 30 November and 00:01 on 1 December 2026, local time, as UTC instants worked out by hand
const zones: { tz: TimeZone; name: string; lastMinute: string; firstMinute: string; halfPastMidnight: string }[] = [
  { tz: "Asia/Jakarta", name: "WIB", lastMinute: "2026-11-30T16:59:00Z", firstMinute: "2026-11-30T17:01:00Z", halfPastMidnight: "2026-11-30T17:30:00Z" },
  { tz: "Asia/Makassar", name: "WITA", lastMinute: "2026-11-30T15:59:00Z", firstMinute: "2026-11-30T16:01:00Z", halfPastMidnight: "2026-11-30T16:30:00Z" },
  { tz: "Asia/Jayapura", name: "WIT", lastMinute: "2026-11-30T14:59:00Z", firstMinute: "2026-11-30T15:01:00Z", halfPastMidnight: "2026-11-30T15:30:00Z" },
];

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, hospitalAppointments, hospitalReferrals] });
});
afterAll(() => app.close());

let branchCount = 0;
async function branchIn(tz: TimeZone, kind: "store" | "hospital") {
  branchCount++;
  const [row] = rowsOf<{ id: string }>(
    await app.runtime.db.execute(sql`insert into branches (code, name, kind, time_zone) values (${`TZ-${branchCount}`}, ${`Cabang ${branchCount}`}, ${kind}, ${tz}) returning id`),
  );
  return row.id;
}

async function staffIn(branchId: string, roles: string[]) {
  const staff = await createStaff(app.runtime, { roles });
  await app.runtime.db.execute(sql`update users set branch_id = ${branchId} where id = ${staff.id}`);
  return staff;
}

let saleCount = 0;
async function saleAt(branchId: string, at: string, total: number, contactId: string | null = null) {
  const connection = await createConnection(app.runtime.db, { kind: "system" }, { branchId, name: `Kasir ${branchId.slice(0, 4)}` });
  if (!connection.ok) throw new Error("no connection");
  saleCount++;
  await app.runtime.db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, contact_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr)
    values (${connection.id}, ${branchId}, ${contactId}, 'sale', ${`TZ-R-${saleCount}`}, ${`tz-${saleCount}`}, 'x', ${at}, ${total})`);
}

describe.each(zones)("at midnight in $name", ({ tz, name, lastMinute, firstMinute, halfPastMidnight }) => {
  it(`POS sales report: a sale at 23:59 counts on 30 November and one at 00:01 on 1 December, on the store's own calendar`, async () => {
    const store = await branchIn(tz, "store");
    await saleAt(store, lastMinute, 10_000);
    await saleAt(store, firstMinute, 25_000);
    const byDay = await salesReport(app.runtime.db, { from: "2026-11-30", to: "2026-12-01", groupBy: "day", branchId: store });
    expect(byDay.map((r) => [r.key, r.receipts, r.net])).toEqual([
      ["2026-12-01", 1, 25_000],
      ["2026-11-30", 1, 10_000],
    ]);
    const december = await salesReport(app.runtime.db, { from: "2026-12-01", to: "2026-12-01", groupBy: "store", branchId: store });
    expect(december.map((r) => r.net)).toEqual([25_000]);
  });

  it(`POS sales report page opened at 00:30 ${name}: the default range ends today and shows the sale of 00:01`, async () => {
    const store = await branchIn(tz, "store");
    await saleAt(store, firstMinute, 42_000);
    const manager = await staffIn(store, ["manager"]);
    const page = await atInstant(halfPastMidnight, async () => unwrap(await callRoute(app.runtime, posReportsRoute.loader, { path: `/staff/pos/reports?store=${store}&groupBy=day`, cookie: manager.cookie })));
    const data = page.data as { from: string; to: string; rows: { key: string; net: number }[] };
    expect(data.to).toBe("2026-12-01");
    expect(data.from).toBe("2026-11-02");
    expect(data.rows).toEqual([expect.objectContaining({ key: "2026-12-01", net: 42_000 })]);
  });

  it(`referral report: a referral sent at 23:59 on 30 November counts in November, one at 00:01 in December`, async () => {
    const hospital = await branchIn(tz, "hospital");
    const clinic = await createPartnerOrg(app.runtime, { name: `Klinik ${name}` });
    const contact = await createContact(app.runtime);
    const base = { contactId: contact.id, partnerOrgId: clinic.id, branchId: hospital, reason: "Kontrol", icd10Code: "Z09", icd10Text: "Kontrol", targetService: "Poli Umum", direction: "incoming" as const, status: "sent" as const };
    await app.runtime.db.insert(referrals).values([
      { ...base, sentAt: new Date(lastMinute) },
      { ...base, sentAt: new Date(firstMinute) },
    ]);
    const report = await referralReport(app.runtime.db, { from: "2026-11", to: "2026-12" });
    const mine = report.rows.filter((r) => r.partnerOrgId === clinic.id).map((r) => [r.month, r.sent]);
    expect(mine).toEqual([
      ["2026-12", 1],
      ["2026-11", 1],
    ]);
  });

  it(`survey results: whole days in the viewer's zone`, async () => {
    const branch = await branchIn(tz, "hospital");
    const contact = await createContact(app.runtime);
    for (const [i, at] of [lastMinute, firstMinute].entries()) {
      await app.runtime.db.execute(sql`insert into surveys (contact_id, source_type, source_id, branch_id, token_hash, sent_at, expires_at, answered_at, rating)
        values (${contact.id}, 'test', ${`${name}-${i}`}, ${branch}, ${`hash-${name}-${i}`}, ${at}, ${"2027-01-01T00:00:00Z"}, ${at}, 'good')`);
    }
    const december = await surveyResults(app.runtime.db, { kind: "system" } as never, { from: "2026-12-01", to: "2026-12-01", timeZone: tz });
    const november = await surveyResults(app.runtime.db, { kind: "system" } as never, { from: "2026-11-30", to: "2026-11-30", timeZone: tz });
    expect(december.byBranch.find((b) => b.id === branch)?.total).toBe(1);
    expect(november.byBranch.find((b) => b.id === branch)?.total).toBe(1);
  });

  it(`KPI "new contacts": one created at 23:59 counts on 30 November and one at 00:01 on 1 December, live and from the rollups`, async () => {
    const hospital = await branchIn(tz, "hospital");
    for (const at of [lastMinute, firstMinute]) await createContact(app.runtime, { branchId: hospital, createdAt: new Date(at) });
    const kpis = allKpis(app.runtime.registry);
    const kpi = kpis.find((k) => k.id === "core.contacts.new")!;
    const now = new Date(halfPastMidnight);
    const query = (day: string): KpiQuery => ({ range: { from: day, to: day }, branchIds: [hospital], dimension: null, now });
    const context = { db: app.runtime.db, language: "id" as const, t: ((key: string) => key) as never };
    const live = async (day: string) => (await kpi.compute(query(day), context))[0].numerator;
    expect([await live("2026-11-30"), await live("2026-12-01")]).toEqual([1, 1]);
    await refreshKpiRollups(app.runtime.db, kpis, { now });
    const rolled = async (day: string) => (await rollupRows(app.runtime.db, kpi, query(day)))[0].numerator;
    expect([await rolled("2026-11-30"), await rolled("2026-12-01")]).toEqual([1, 1]);
    // a dashboard opened at 00:30 there shows 1 December as "today"
    expect(presetRange("today", tz, now)).toEqual({ from: "2026-12-01", to: "2026-12-01" });
  });

  it(`cohorts opened at 00:30 ${name}: a first purchase at 23:59 is in November's cohort, one at 00:01 in December's`, async () => {
    const store = await branchIn(tz, "store");
    const [late, early] = [await createContact(app.runtime, { branchId: store }), await createContact(app.runtime, { branchId: store })];
    await saleAt(store, lastMinute, 50_000, late.id);
    await saleAt(store, firstMinute, 60_000, early.id);
    const manager = await staffIn(store, ["manager"]);
    const page = await atInstant(halfPastMidnight, async () =>
      unwrap(await callRoute(app.runtime, cohortsRoute.loader, { path: "/staff/analytics/cohorts?months=3&split=branch", cookie: manager.cookie })),
    );
    const report = (page.data as { report: { matrix: { currentMonth: string; rows: { cohort: string; group: string | null; size: number }[] } } }).report;
    expect(report.matrix.currentMonth).toBe("2026-12");
    expect(report.matrix.rows.filter((r) => r.group === store).map((r) => [r.cohort, r.size])).toEqual([
      ["2026-11", 1],
      ["2026-12", 1],
    ]);
  });

  it(`hospital day view opened at 00:30 ${name} shows the new day`, async () => {
    const hospital = await branchIn(tz, "hospital");
    const frontdesk = await staffIn(hospital, ["frontdesk"]);
    const page = await atInstant(halfPastMidnight, async () => unwrap(await callRoute(app.runtime, dayViewRoute.loader, { path: `/staff/appointments?branch=${hospital}`, cookie: frontdesk.cookie })));
    expect((page.data as { date: string }).date).toBe("2026-12-01");
  });

  it(`an API token chosen to expire on 1 December works until 23:59 that day in the admin's zone`, async () => {
    const office = await branchIn(tz, "hospital");
    const admin = await staffIn(office, ["admin"]);
    const result = await atInstant(halfPastMidnight, async () =>
      unwrap(await callRoute(app.runtime, apiTokensRoute.action, { path: "/staff/settings/api-tokens", cookie: admin.cookie, form: { intent: "create", name: `Token ${name}`, scopes: "system/*.read", expiresOn: "2026-12-01" } })),
    );
    expect(result.status).toBe(200);
    const [token] = rowsOf<{ expires_at: string | Date }>(await app.runtime.db.execute(sql`select expires_at from api_tokens where name = ${`Token ${name}`}`));
    // the first instant of 2 December in the zone
    expect(new Date(token.expires_at).toISOString()).toBe(new Date(new Date(firstMinute).getTime() + 86_400_000 - 60_000).toISOString());
    // 30 November, a day that has just ended here (though it is still 30 November in UTC), is refused
    const yesterday = await atInstant(halfPastMidnight, async () =>
      unwrap(await callRoute(app.runtime, apiTokensRoute.action, { path: "/staff/settings/api-tokens", cookie: admin.cookie, form: { intent: "create", name: `Today ${name}`, scopes: "system/*.read", expiresOn: "2026-11-30" } })),
    );
    expect(yesterday.status).toBe(400);
  });
});

describe("a birth date", () => {
  const profile = (birthDate: string) => contactProfileSchema.safeParse({ intent: "save", fullName: "Bayi Baru", birthDate, preferredLocale: "id", preferredChannel: "none", lifecycleStage: "customer", tags: "" });
  it("of today is allowed at 00:30 WIT, when the UTC date is still yesterday", async () => {
    await atInstant("2026-11-30T15:30:00Z", async () => {
      expect(profile("2026-12-01").success).toBe(true);
      expect(profile("2026-12-02").success).toBe(false);
    });
  });
  it("must be a real date", () => {
    expect(profile("2026-02-30").success).toBe(false);
    expect(profile("0001-01-01").success).toBe(false);
  });
});

describe("impossible dates in a day view's address", () => {
  it("show today instead of failing (2026-02-30, 0000-01-01)", async () => {
    const hospital = await branchIn("Asia/Jakarta", "hospital");
    const frontdesk = await staffIn(hospital, ["frontdesk"]);
    for (const date of ["2026-02-30", "0000-01-01", "2026-13-01"]) {
      const page = await atInstant("2026-11-30T17:30:00Z", async () =>
        unwrap(await callRoute(app.runtime, dayViewRoute.loader, { path: `/staff/appointments?branch=${hospital}&date=${date}`, cookie: frontdesk.cookie })),
      );
      expect(page.status).toBe(200);
      expect((page.data as { date: string }).date).toBe("2026-12-01");
    }
  });
});
