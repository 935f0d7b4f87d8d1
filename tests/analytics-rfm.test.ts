// Customer scores through the real routes: the scores permission on every page and export, the
// audited export, the admin's recompute (bad input kept, 400), the contact 360 panel and its plain
// sentences, segment rules over scores ("CLV tinggi dan berisiko"), the marketing dashboard's
// charts, and no NaN or Infinity reaching a page even when the table holds one.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeRfmSnapshot } from "../app/core/analytics/rfm-snapshots.server.ts";
import { contactScorePanel } from "../app/core/analytics/rfm-views.server.ts";
import { clvBins } from "../app/core/analytics/rfm-views.server.ts";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import { defineServer, definePlugin, installPlugin, type CustomerTransaction } from "../app/plugin-api/index.ts";
import { availableSegmentFields, countSegmentMembers, segmentCondition } from "../app/core/segments/segments.server.ts";
import * as analyticsPage from "../app/routes/staff/analytics.tsx";
import * as analyticsExport from "../app/routes/staff/analytics.export.ts";
import * as contactPage from "../app/routes/staff/contact.tsx";
import * as dashboard from "../app/routes/staff/dashboard.tsx";
import { auditLog, rfmSnapshotRuns, rfmSnapshots, rolePermissions, roles } from "../db/schema/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

const offered: CustomerTransaction[] = [];
const testShop = installPlugin({
  manifest: definePlugin({ id: "test-shop", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} }),
  server: async () => ({
    default: defineServer({ transactions: [{ key: "receipts", measure: "purchase", list: async (range) => offered.filter((t) => t.at >= range.from && t.at < range.to) }] }),
  }),
  locales: { id: { meta: { name: "Toko", description: "Uji" } }, en: { meta: { name: "Shop", description: "Test" } } },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let marketing: Awaited<ReturnType<typeof createStaff>>;
let reader: Awaited<ReturnType<typeof createStaff>>;
const people: Record<"a" | "b" | "c" | "d", string> = { a: "", b: "", c: "", d: "" };

beforeAll(async () => {
  app = await createTestApp({ plugins: [testShop] });
  // a role that reads contacts and dashboards but not scores (agents hold the scores permission for the at-risk list)
  await app.runtime.db.insert(roles).values({ id: "reader" });
  await app.runtime.db.insert(rolePermissions).values(["core.contact.read", "core.dashboard.read", "core.report.read", "core.contact.export"].map((permissionId) => ({ roleId: "reader", permissionId })));
  [admin, marketing, reader] = await Promise.all([createStaff(app.runtime, { roles: ["admin"] }), createStaff(app.runtime, { roles: ["marketing"] }), createStaff(app.runtime, { roles: ["reader"] })]);
  const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => createContact(app.runtime)));
  Object.assign(people, { a: a.id, b: b.id, c: c.id, d: d.id });
  let n = 0;
  const buy = (contactId: string, day: string, amount: number) => offered.push({ contactId, at: new Date(`${day}T03:00:00Z`), amount, source: { type: "test-shop.sale", id: String(++n) } });
  buy(a.id, "2026-11-29", 100_000);
  buy(a.id, "2026-11-20", 50_000);
  buy(a.id, "2026-11-10", 70_000);
  buy(b.id, "2026-11-30", 10_000);
  buy(c.id, "2026-11-02", 300_000);
  buy(d.id, "2026-11-15", 40_000);
  buy(d.id, "2026-11-16", 40_000);
  await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "nightly" });
  await app.runtime.db.insert(rfmSnapshotRuns).values({ snapshotDate: "2026-10-31", windowDays: 30, trigger: "nightly", timeZone: "Asia/Jakarta", measure: "purchase", customers: 1 });
  await app.runtime.db.insert(rfmSnapshots).values({ snapshotDate: "2026-10-31", contactId: a.id, recencyDays: 1, frequency: 5, r: 5, f: 5, segment: "champions" });
});
afterAll(() => app.close());

type Page = Awaited<ReturnType<typeof analyticsPage.loader>>;
const page = async (cookie: string, query = "") => unwrap(await callRoute(app.runtime, analyticsPage.loader, { path: `/staff/analytics${query}`, cookie }));
const contact = async (cookie: string, id: string) =>
  unwrap(await callRoute(app.runtime, contactPage.loader, { path: `/staff/contacts/${id}`, cookie, params: { contactId: id } })).data as Awaited<ReturnType<typeof contactPage.loader>>;

describe("scores need their own permission", () => {
  it("refuses the page, the export and the recompute without it, and hides the contact panel", async () => {
    expect((await page(reader.cookie)).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, analyticsExport.loader, { path: "/staff/analytics/export", cookie: reader.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: reader.cookie, form: { windowDays: "90" } })).status).toBe(403);
    expect((await contact(reader.cookie, people.a)).scorePanel).toBeNull();
  });
  it("lets marketing read but not recompute (an admin's button)", async () => {
    expect((await page(marketing.cookie)).status).toBe(200);
    expect(unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: marketing.cookie, form: { windowDays: "90" } })).status).toBe(403);
  });
});

describe("the RFM page", () => {
  it("shows counts and revenue per cell, totals and the month's movement, all finite", async () => {
    const result = await page(marketing.cookie, "?lang=id");
    const { overview } = result.data as Page;
    const cell = (r: number, f: number) => overview.grid!.rows.find((row) => row.r === r)!.cells.find((c) => c.f === f)!;
    // a: recency 1 (R3), 3 days (F4), Rp 220.000 → Setia
    expect(cell(3, 4)).toMatchObject({ customers: "1 pelanggan", segment: "Setia", empty: false });
    expect(cell(3, 4).revenue?.replace(/\s/g, " ")).toBe("Rp 220.000");
    expect(cell(5, 5)).toMatchObject({ customers: "0 pelanggan", empty: true });
    expect(overview.totals.find((s) => s.segment === "loyal")?.customers).toBe("1");
    // a went from Juara to Setia; b, c, d entered
    const states = overview.movement!.states;
    const count = (from: string, to: string) => overview.movement!.counts[states.indexOf(from)][states.indexOf(to)];
    expect(count("Juara", "Setia")).toBe("1");
    expect(count("Di luar jendela", "Berisiko")).toBe("1");
    expect(JSON.stringify(result.data)).not.toMatch(/NaN|Infinity/);
  });
  it("falls back to the newest snapshot for an unknown or malformed date, with a notice", async () => {
    for (const q of ["?date=2020-01-01", "?date=garbage"]) {
      const { status, data } = await page(marketing.cookie, q);
      expect(status).toBe(200);
      expect((data as Page).overview.notice).toBeTruthy();
      expect((data as Page).overview.run?.snapshotDate).toBe("2026-11-30");
    }
  });
  it("takes an admin's recompute request: bad window → 400 with the value kept; good → queued and audited", async () => {
    const bad = unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: admin.cookie, form: { windowDays: "12x" } }));
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ ok: false, error: "rfm.recompute.errors.windowDays", windowDays: "12x" });
    const tooLong = unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: admin.cookie, form: { windowDays: "5000" } }));
    expect(tooLong.status).toBe(400);
    const good = unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: admin.cookie, form: { windowDays: "90" } }));
    expect(good.data).toMatchObject({ ok: true, queued: true });
    const again = unwrap(await callRoute(app.runtime, analyticsPage.action, { path: "/staff/analytics", cookie: admin.cookie, form: { windowDays: "90" } }));
    expect(again.data).toMatchObject({ ok: true, queued: false });
    const audited = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "analytics.snapshot.requested"), eq(auditLog.actorUserId, admin.id)));
    expect(audited).toHaveLength(2);
  });
});

describe("the score export", () => {
  it("streams the snapshot's rows and audits who exported how many", async () => {
    const response = (await callRoute(app.runtime, analyticsExport.loader, { path: "/staff/analytics/export?date=2026-11-30", cookie: marketing.cookie })) as Response;
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith(people.a))).toContain(",Setia,3,4,");
    const [entry] = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "analytics.scores.exported"), eq(auditLog.actorUserId, marketing.id)));
    expect(entry.data).toMatchObject({ snapshotDate: "2026-11-30", rows: 4 });
    const bad = unwrap(await callRoute(app.runtime, analyticsExport.loader, { path: "/staff/analytics/export?date=nope", cookie: marketing.cookie }));
    expect(bad.status).toBe(400);
  });
});

describe("the contact 360 panel", () => {
  it("shows the segment to holders of the permission", async () => {
    const panel = (await contact(admin.cookie, people.a)).scorePanel!;
    expect(panel.rows[0]).toMatchObject({ value: "Setia" });
    expect(panel.rows[0].sentence).toContain("R 3 · F 4 · M");
  });
  it("says each score in one plain sentence, in both languages", () => {
    const scores = {
      snapshotDate: "2026-11-30",
      windowDays: 365,
      measure: "purchase" as const,
      recencyDays: 3,
      frequency: 4,
      monetary: 400_000,
      r: 5,
      f: 4,
      m: 4,
      segment: "champions" as const,
      pAlive: 0.72,
      pAliveInterval: [0.61, 0.8] as [number, number],
      expected30: 0.4,
      expected90: 1.2,
      expected365: 4,
      expected365Interval: null,
      expectedSpend: 100_000,
      clv: 1_250_000,
      clvInterval: [1_000_000, 1_500_000] as [number, number],
    };
    const id = contactScorePanel(scores, null, "id");
    expect(id.rows.map((r) => r.sentence.replace(/\s/g, " "))).toEqual([
      "R 5 · F 4 · M 4: Baru saja bertransaksi dan paling sering.",
      "Kemungkinan masih aktif 72% (perkiraan 61%–80%).",
      "Diperkirakan 0,4 pembelian dalam 30 hari dan 1,2 dalam 90 hari ke depan.",
      "Perkiraan nilai belanja 12 bulan ke depan Rp 1.250.000 (perkiraan Rp 1.000.000–Rp 1.500.000), setelah diskon 1 % per bulan.",
    ]);
    const en = contactScorePanel(scores, null, "en");
    expect(en.rows[1].sentence).toBe("72% likely still active (estimate 61%–80%).");
    // a hospital: visits, no CLV; a NaN that reached the table shows as a dash (en-ID writes decimals with a comma)
    const visit = contactScorePanel({ ...scores, measure: "visit", m: null, clv: null, clvInterval: null, expected30: Number.NaN }, null, "en");
    expect(visit.rows[2].sentence).toBe("Expected to make – visits in the next 30 days and 1.2 in the next 90.");
    expect(visit.rows[3].sentence).toBe("Visits have no Rupiah value, so no CLV is computed.");
    expect(JSON.stringify(visit)).not.toMatch(/NaN|Infinity/);
  });
  it("never shows NaN or Infinity stored in the table", async () => {
    await app.runtime.db.execute(sql`update rfm_snapshots set p_alive = 'NaN'::float8, p_alive_low = '-Infinity'::float8, clv = 'Infinity'::float8 where contact_id = ${people.d}::uuid`);
    const loaded = await contact(admin.cookie, people.d);
    expect(JSON.stringify(loaded.scorePanel)).not.toMatch(/NaN|Infinity/);
    expect(JSON.stringify((await page(admin.cookie)).data)).not.toMatch(/NaN|Infinity/);
    await app.runtime.db.execute(sql`update rfm_snapshots set p_alive = null, p_alive_low = null, clv = null where contact_id = ${people.d}::uuid`);
  });
});

describe("segment rules over scores", () => {
  it("targets 'CLV tinggi dan berisiko', for holders of the permission only", async () => {
    const db = app.runtime.db;
    // the newest snapshot, hand-made: a high CLV at risk, b low CLV at risk, c high CLV loyal
    await db.insert(rfmSnapshotRuns).values({ snapshotDate: "2026-12-01", windowDays: 365, trigger: "admin", timeZone: "Asia/Jakarta", measure: "purchase", customers: 3 });
    const row = (contactId: string, segment: "atRisk" | "loyal", clv: number, pAlive: number) => ({ snapshotDate: "2026-12-01", contactId, recencyDays: 100, frequency: 3, r: 2, f: 3, segment, clv, pAlive, expected90: 0.5 });
    await db.insert(rfmSnapshots).values([row(people.a, "atRisk", 2_000_000, 0.3), row(people.b, "atRisk", 50_000, 0.4), row(people.c, "loyal", 3_000_000, 0.9)]);
    const staffActor = (permissions: string[]) => ({ kind: "staff" as const, userId: marketing.id, permissions: new Set(permissions), branchId: null });
    const t = fixedT("id");
    const fields = await availableSegmentFields(db, app.runtime.registry, staffActor(["core.segment.manage", "core.scores.view"]), t);
    expect(fields.get("core.rfmSegment")?.label).toBe("Segmen RFM");
    const rules = { match: "all" as const, rules: [{ field: "core.clv", op: "gte", values: ["1.000.000"] }, { field: "core.rfmSegment", op: "in", values: ["atRisk", "cannotLose"] }] };
    const condition = segmentCondition(rules, fields);
    expect(condition.ok).toBe(true);
    if (condition.ok) expect(await countSegmentMembers(db, condition.where)).toBe(1);
    const likelyGone = segmentCondition({ match: "all", rules: [{ field: "core.pAlive", op: "lt", values: ["50"] }] }, fields);
    if (likelyGone.ok) expect(await countSegmentMembers(db, likelyGone.where)).toBe(2);
    // without the permission the fields are not there, and a segment using them refuses to count
    const without = await availableSegmentFields(db, app.runtime.registry, staffActor(["core.segment.manage"]), t);
    expect(without.has("core.clv")).toBe(false);
    expect(segmentCondition(rules, without).ok).toBe(false);
  });
});

describe("the marketing dashboard", () => {
  it("gains the segment grid and the CLV distribution for holders of the permission", async () => {
    const board = async (cookie: string) => (unwrap(await callRoute(app.runtime, dashboard.loader, { path: "/staff?dashboard=marketing", cookie })).data as Awaited<ReturnType<typeof dashboard.loader>>).report!;
    const ids = (await board(marketing.cookie)).charts.map((c) => c.id);
    expect(ids).toContain("dashboard-rfm-grid");
    const withoutScores = await createStaff(app.runtime, { roles: ["reader"] });
    expect((await board(withoutScores.cookie)).charts.map((c) => c.id)).not.toContain("dashboard-rfm-grid");
  });
  it("bins CLV over round edges, the few above the 99th percentile in the last bin", () => {
    expect(clvBins([])).toEqual([]);
    expect(clvBins([0, 0])).toEqual([{ from: 0, to: 0, count: 2 }]);
    const values = [...Array.from({ length: 99 }, (_, i) => (i + 1) * 10_000), 50_000_000];
    const bins = clvBins(values);
    expect(bins[0].from).toBe(0);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(100);
    expect(bins.at(-1)!.to).toBeLessThan(50_000_000);
    // 10k … 990k with edges every 100k: 9 in the first bin (10k–90k), 10 in each next
    expect(bins.map((b) => b.count).slice(0, 3)).toEqual([9, 10, 10]);
  });
});
