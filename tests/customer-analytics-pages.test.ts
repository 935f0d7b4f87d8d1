// The customer analytics pages through the real stack: transactions offered by a test plugin through
// the extension point, the model check as a job, the at-risk list and its follow-up tasks, cohorts.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../db/client.ts";
import { analyticsModelChecks, auditLog, branches, contacts, rfmSnapshotRuns, rfmSnapshots, tasks } from "../db/schema/index.ts";
import { AT_RISK_TASK_TYPE } from "../app/core/analytics/at-risk.server.ts";
import { cohortReport } from "../app/core/analytics/cohorts.server.ts";
import { bgNbdPAlive } from "../app/core/analytics/bg-nbd.ts";
import { dayNumber, isoOfDay } from "../app/core/analytics/customer-summary.ts";
import { modelCheckQueue } from "../app/core/analytics/model-check.server.ts";
import { queueFirstSnapshot, rfmSnapshotQueue } from "../app/core/analytics/rfm-snapshots.server.ts";
import { simulateTransactions } from "../app/core/analytics/simulate.ts";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import { objectToProfiling } from "../app/core/privacy/profiling-objections.server.ts";
import { addDays, today } from "../app/core/time/local-time.ts";
import { defineServer, definePlugin, installPlugin, type CustomerTransaction } from "../app/plugin-api/index.ts";
import * as atRiskExport from "../app/routes/staff/analytics.at-risk.export.ts";
import * as atRiskPage from "../app/routes/staff/analytics.at-risk.tsx";
import * as cohortExport from "../app/routes/staff/analytics.cohorts.export.ts";
import * as cohortPage from "../app/routes/staff/analytics.cohorts.tsx";
import * as modelPage from "../app/routes/staff/analytics.model.tsx";
import { renderPage } from "./support/render-page.ts";
import { atInstant } from "./support/clock.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

/** The page in both languages (its loader asked in each): no raw translation key, no NaN or Infinity. */
async function expectRendersInBothLanguages(Component: Parameters<typeof renderPage>[0], load: (headers: Record<string, string>) => Promise<unknown>, mustContain: Record<"id" | "en", string>) {
  for (const language of ["id", "en"] as const) {
    const html = await renderPage(Component, await load({ "Accept-Language": language }), language);
    expect(html).toContain(mustContain[language]);
    expect(html).not.toMatch(/\bNaN\b|Infinity|\b(model|atRisk|cohorts|tabs|sections)\.[a-zA-Z]/);
    if (language === "en") expect(html).not.toMatch(/Des 2026|Transaksi/);
  }
}

let offered: CustomerTransaction[] = [];
const testShop = installPlugin({
  manifest: definePlugin({ id: "test-shop", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} }),
  server: async () => ({
    default: defineServer({
      transactions: [{ key: "receipts", measure: "purchase", list: async (range) => offered.filter((t) => t.at >= range.from && t.at < range.to) }],
    }),
  }),
  locales: { id: { meta: { name: "Toko", description: "Uji" } }, en: { meta: { name: "Shop", description: "Test" } } },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
let manager: Awaited<ReturnType<typeof createStaff>>;
let nobody: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [testShop] });
  [agent, manager, nobody] = await Promise.all([createStaff(app.runtime, { roles: ["agent"] }), createStaff(app.runtime, { roles: ["manager"] }), createStaff(app.runtime, { roles: [] })]);
});
afterAll(() => app.close());

/** Every number in a loader's data is finite (JSON would turn NaN into null and hide it). */
function expectAllFinite(value: unknown, path = "data"): void {
  if (typeof value === "number") expect(Number.isFinite(value), path).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectAllFinite(v, `${path}[${i}]`));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) expectAllFinite(v, `${path}.${k}`);
  else if (typeof value === "string") expect(value, path).not.toMatch(/\bNaN\b|Infinity/);
}

const todayDay = () => dayNumber(today("Asia/Jakarta", new Date())) as number;

describe("permissions", () => {
  it("refuse staff without the scores permission or the reports permission", async () => {
    for (const [handler, path] of [
      [modelPage.loader, "/staff/analytics/model"],
      [atRiskPage.loader, "/staff/analytics/at-risk"],
      [atRiskExport.loader, "/staff/analytics/at-risk/export"],
      [cohortPage.loader, "/staff/analytics/cohorts"],
      [cohortExport.loader, "/staff/analytics/cohorts/export"],
    ] as const) {
      expect(unwrap(await callRoute(app.runtime, handler, { path, cookie: nobody.cookie })).status, path).toBe(403);
    }
    expect(unwrap(await callRoute(app.runtime, modelPage.action, { path: "/staff/analytics/model", cookie: nobody.cookie, form: { calibrationEnd: "2026-01-01", holdoutEnd: "2026-02-01" } })).status).toBe(403);
    // an agent may see scores but not take names out of the system
    expect(unwrap(await callRoute(app.runtime, atRiskExport.loader, { path: "/staff/analytics/at-risk/export", cookie: agent.cookie })).status).toBe(403);
  });
});

describe("model check: bad input and empty data", () => {
  it("refuses future dates and a holdout that does not follow the calibration, keeping what was typed", async () => {
    const t = todayDay();
    const cases = [
      [{ calibrationEnd: isoOfDay(t + 1), holdoutEnd: isoOfDay(t + 30) }, "futureCalibrationEnd"],
      [{ calibrationEnd: isoOfDay(t - 30), holdoutEnd: isoOfDay(t + 1) }, "futureHoldoutEnd"],
      [{ calibrationEnd: isoOfDay(t - 30), holdoutEnd: isoOfDay(t - 60) }, "holdoutNotAfterCalibration"],
      [{ calibrationEnd: "2026-02-30", holdoutEnd: isoOfDay(t - 1) }, "invalidDate"],
    ] as const;
    for (const [form, problem] of cases) {
      const reply = unwrap(await callRoute(app.runtime, modelPage.action, { path: "/staff/analytics/model", cookie: agent.cookie, form }));
      expect(reply.status).toBe(400);
      expect(reply.data).toEqual({ problem, values: form });
      expect(fixedT("id", "analytics")(`model.problems.${problem}`)).not.toContain("model.problems");
      expect(fixedT("en", "analytics")(`model.problems.${problem}`)).not.toContain("model.problems");
    }
    expect(await app.runtime.db.select().from(analyticsModelChecks)).toEqual([]);
  });

  it("runs as a job on no data and stores the problem for the page", async () => {
    const page = unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie })).data as Awaited<ReturnType<typeof modelPage.loader>>;
    const reply = unwrap(await callRoute(app.runtime, modelPage.action, { path: "/staff/analytics/model", cookie: agent.cookie, form: page.defaults }));
    expect(reply.status).toBe(302);
    // a second request while the first is queued is refused
    const again = unwrap(await callRoute(app.runtime, modelPage.action, { path: "/staff/analytics/model", cookie: agent.cookie, form: page.defaults }));
    expect(again).toMatchObject({ status: 409, data: { problem: "alreadyRunning" } });
    await app.runtime.jobs.drain(modelCheckQueue);
    const after = unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie })).data as Awaited<ReturnType<typeof modelPage.loader>>;
    expect(after.latest).toMatchObject({ status: "failed", problem: "noTransactions" });
    await expectRendersInBothLanguages(modelPage.default, async (headers) => unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie, headers })).data, { id: "Belum ada transaksi pelanggan", en: "There are no customer transactions" });
    expect(after.done).toBeNull();
    const audits = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "analytics.model_check.requested"));
    expect(audits).toHaveLength(1);
    expect(audits[0].actorUserId).toBe(agent.id);
  });
});

describe("cohort retention page", () => {
  let north: string;
  let south: string;
  beforeAll(async () => {
    const rows = await app.runtime.db
      .insert(branches)
      .values([
        { code: "N", name: "Cabang Utara", kind: "store" },
        { code: "S", name: "Cabang Selatan", kind: "store" },
      ])
      .returning({ id: branches.id });
    [north, south] = rows.map((r) => r.id);
    const people = await app.runtime.db
      .insert(contacts)
      .values(["A", "B", "C", "D"].map((n) => ({ fullName: `Kohort ${n}` })))
      .returning({ id: contacts.id });
    const [a, b, c, d] = people.map((p) => p.id);
    // noon WIB on each date; worked by hand for "today" 2026-03-15:
    // January cohort A, B (2): month 1 only A (1/2), month 2 only B (1/2, unfinished)
    // February cohort C, D (2): month 1 only C (1/2, unfinished)
    const at = (date: string) => new Date(`${date}T05:00:00Z`);
    const sale = (contactId: string, date: string, branchId: string, channel: string, id: string): CustomerTransaction => ({ contactId, at: at(date), amount: 50_000, source: { type: "test-shop.sale", id }, branchId, channel });
    offered = [
      sale(a, "2026-01-05", north, "online", "1"),
      sale(a, "2026-02-10", south, "store", "2"),
      sale(b, "2026-01-31", south, "store", "3"),
      sale(b, "2026-03-01", north, "online", "4"),
      sale(c, "2026-02-02", north, "online", "5"),
      sale(c, "2026-03-10", north, "online", "6"),
      sale(d, "2026-02-28", north, "store", "7"),
    ];
  });

  const actorOf = (user: { id: string }, permissions: string[], branchId: string | null = null) => ({ kind: "staff" as const, userId: user.id, permissions: new Set(permissions), branchId });

  it("shows each cell with its denominator and the unfinished month marked", async () => {
    const report = await cohortReport(app.runtime, actorOf(manager, ["core.report.read"]), { url: new URL("http://x/?months=6"), language: "id", now: new Date("2026-03-15T05:00:00Z") });
    expect(report.problems).toEqual([]);
    expect(report.splits).toEqual(["none", "branch", "channel"]);
    const cells = report.matrix.rows.map((r) => [r.cohort, r.size, r.cells.slice(0, 3).map((c) => (c ? `${c.retained}/${r.size}${c.unfinished ? "*" : ""}` : "–"))]);
    expect(cells).toEqual([
      ["2026-01", 2, ["2/2", "1/2", "1/2*"]],
      ["2026-02", 2, ["2/2", "1/2*", "–"]],
    ]);
    expectAllFinite(report.matrix);
    expect(report.charts).toHaveLength(1);
    expect(report.charts[0].svg).toContain("<svg");
  });

  it("splits by the first transaction's channel or branch, and says when a split is not offered", async () => {
    const byChannel = await cohortReport(app.runtime, actorOf(manager, ["core.report.read"]), { url: new URL("http://x/?split=channel&months=6"), language: "en", now: new Date("2026-03-15T05:00:00Z") });
    expect(byChannel.matrix.rows.map((r) => [r.group, r.cohort, r.size])).toEqual([
      ["online", "2026-01", 1],
      ["online", "2026-02", 1],
      ["store", "2026-01", 1],
      ["store", "2026-02", 1],
    ]);
    expect(byChannel.charts).toHaveLength(2);
    const byBranch = await cohortReport(app.runtime, actorOf(manager, ["core.report.read"]), { url: new URL("http://x/?split=branch&months=6"), language: "id", now: new Date("2026-03-15T05:00:00Z") });
    expect(byBranch.groupLabels[north]).toBe("Cabang Utara");
    const notOffered = await cohortReport(app.runtime, actorOf(manager, ["core.report.read"]), { url: new URL("http://x/?split=referralSource&months=7"), language: "id", now: new Date("2026-03-15T05:00:00Z") });
    expect(notOffered.problems).toEqual(["unknownMonths", "splitNotOffered"]);
    expect(notOffered.request).toEqual({ split: "none", months: 12 });
  });

  it("shows staff of one branch only the transactions at their branch", async () => {
    const report = await cohortReport(app.runtime, actorOf(agent, ["core.report.read"], south), { url: new URL("http://x/?months=6"), language: "id", now: new Date("2026-03-15T05:00:00Z") });
    expect(report.scopedToBranch).toBe(true);
    // at the south branch: A first came in February, B in January (and never again there)
    expect(report.matrix.rows.map((r) => [r.cohort, r.size, r.cells[1]?.retained ?? null])).toEqual([
      ["2026-01", 1, 0],
      ["2026-02", 1, 0],
    ]);
  });

  it("exports CSV and XLSX, audited", async () => {
    const csv = await callRoute(app.runtime, cohortExport.loader, { path: "/staff/analytics/cohorts/export?format=csv&months=24", cookie: manager.cookie });
    expect(csv).toBeInstanceOf(Response);
    const bytes = new Uint8Array(await (csv as Response).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM, so Excel reads UTF-8
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\r\n")[0]).toBe("Kelompok,Kohort (bulan pertama),Besar kohort,Bulan ke-,Bertransaksi lagi,Bagian,Bulan belum selesai");
    const xlsx = (await callRoute(app.runtime, cohortExport.loader, { path: "/staff/analytics/cohorts/export?format=xlsx&months=24", cookie: manager.cookie })) as Response;
    expect(xlsx.headers.get("Content-Type")).toContain("spreadsheetml");
    expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const audits = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "report.exported"), eq(auditLog.entityType, "analytics.cohorts")));
    expect(audits.map((a) => a.data?.format).sort()).toEqual(["csv", "xlsx"]);
    const page = unwrap(await callRoute(app.runtime, cohortPage.loader, { path: "/staff/analytics/cohorts?months=24", cookie: manager.cookie }));
    expect(page.status).toBe(200);
    expectAllFinite((page.data as { report: unknown }).report);
    await expectRendersInBothLanguages(cohortPage.default, async (headers) => unwrap(await callRoute(app.runtime, cohortPage.loader, { path: "/staff/analytics/cohorts?months=24", cookie: manager.cookie, headers })).data, { id: "Besar kohort", en: "Cohort size" });
  });
});

describe("at-risk list and model check on a simulated business", () => {
  let ids: string[] = [];
  beforeAll(async () => {
    const t = todayDay();
    const simulated = simulateTransactions({ customers: 400, seed: 5, bg: { r: 0.8, alpha: 30, a: 0.9, b: 2.5 }, gg: { p: 4, q: 5, gamma: 300_000 }, startDay: t - 720, acquisitionDays: 360, endDay: t - 1 });
    const people = await app.runtime.db
      .insert(contacts)
      .values(Array.from({ length: 400 }, (_, i) => ({ fullName: `Pelanggan ${i}` })))
      .returning({ id: contacts.id });
    ids = people.map((p) => p.id);
    offered = simulated.map((s, i) => ({ contactId: ids[Number(s.contactId.slice(1))], at: new Date(`${isoOfDay(s.day)}T05:00:00Z`), amount: s.amount, source: { type: "test-shop.sale", id: String(i) } }));
  });

  type AtRiskData = Awaited<ReturnType<typeof atRiskPage.loader>>;
  const load = async () => unwrap(await callRoute(app.runtime, atRiskPage.loader, { path: "/staff/analytics/at-risk", cookie: agent.cookie })).data as AtRiskData;

  it("lists repeat customers below p(alive) 0.5, most expected lost value first, leaving out objectors", async () => {
    const first = await load();
    if (!first.list.ok) throw new Error(first.list.problem);
    const rows = first.list.rows;
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.pAlive < 0.5 && r.transactions >= 2)).toBe(true);
    expect(rows.every((r, i) => i === 0 || rows[i - 1].expectedLostValue >= r.expectedLostValue)).toBe(true);
    expectAllFinite(first.list);
    await expectRendersInBothLanguages(atRiskPage.default, async (headers) => unwrap(await callRoute(app.runtime, atRiskPage.loader, { path: "/staff/analytics/at-risk", cookie: agent.cookie, headers })).data, { id: "Peluang masih aktif", en: "Chance still active" });
    await objectToProfiling(app.runtime.db, { kind: "system" }, rows[0].contactId, "request");
    const second = await load();
    if (!second.list.ok) throw new Error(second.list.problem);
    expect(second.list.rows.map((r) => r.contactId)).not.toContain(rows[0].contactId);
  });

  it("creates follow-up tasks once per contact however often the button is pressed", async () => {
    const page = await load();
    if (!page.list.ok) throw new Error(page.list.problem);
    const chosen = page.list.rows.slice(0, 3).map((r) => r.contactId);
    const first = unwrap(await callRoute(app.runtime, atRiskPage.action, { path: "/staff/analytics/at-risk", cookie: agent.cookie, form: { contactId: chosen } }));
    expect(first.status).toBe(302);
    expect(first.headers?.get("Location")).toBe("/staff/analytics/at-risk?created=3&skipped=0");
    const second = unwrap(await callRoute(app.runtime, atRiskPage.action, { path: "/staff/analytics/at-risk", cookie: agent.cookie, form: { contactId: [...chosen, page.list.rows[3].contactId] } }));
    expect(second.headers?.get("Location")).toBe("/staff/analytics/at-risk?created=1&skipped=3");
    const open = await app.runtime.db.select().from(tasks).where(eq(tasks.relatedType, AT_RISK_TASK_TYPE));
    expect(open).toHaveLength(4);
    expect(new Set(open.map((t) => t.contactId)).size).toBe(4);
    expect(open.every((t) => t.assigneeId === agent.id && t.title.startsWith("Hubungi kembali"))).toBe(true);
    // the database holds it too: a second open follow-up for the same contact is refused
    const [one] = open;
    await expect(app.runtime.db.insert(tasks).values({ title: "x", contactId: one.contactId, relatedType: AT_RISK_TASK_TYPE, assigneeId: agent.id, createdBy: agent.id })).rejects.toThrow();
    // once done, a new follow-up may be made
    await app.runtime.db.update(tasks).set({ status: "done" }).where(eq(tasks.id, one.id));
    const third = unwrap(await callRoute(app.runtime, atRiskPage.action, { path: "/staff/analytics/at-risk", cookie: agent.cookie, form: { contactId: [one.contactId as string] } }));
    expect(third.headers?.get("Location")).toBe("/staff/analytics/at-risk?created=1&skipped=0");
    const reloaded = await load();
    if (!reloaded.list.ok) throw new Error(reloaded.list.problem);
    expect(reloaded.list.rows.filter((r) => chosen.includes(r.contactId)).map((r) => [r.contactId, r.hasOpenTask])).toEqual(chosen.map((id) => [id, true]));
    const nothing = unwrap(await callRoute(app.runtime, atRiskPage.action, { path: "/staff/analytics/at-risk", cookie: agent.cookie, form: { contactId: ["not-an-id"] } }));
    expect(nothing).toMatchObject({ status: 400, data: { problem: "nothingChosen" } });
    const audits = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "analytics.at_risk.tasks_created"));
    expect(audits.map((a) => a.data?.created)).toEqual([3, 1, 1]);
  });

  it("exports the list as CSV, audited, only shortly after signing in", async () => {
    const exporter = await createStaff(app.runtime, { roles: ["manager"] });
    // the file names people: a session signed in more than five minutes ago confirms who it is first
    const stale = (await atInstant(new Date(Date.now() + 6 * 60_000).toISOString(), () =>
      callRoute(app.runtime, atRiskExport.loader, { path: "/staff/analytics/at-risk/export", cookie: exporter.cookie }),
    )) as Response;
    expect(stale.status).toBe(302);
    expect(stale.headers.get("Location")).toBe("/staff/login/confirm?redirectTo=%2Fstaff%2Fanalytics%2Fat-risk%2Fexport");
    const response = (await callRoute(app.runtime, atRiskExport.loader, { path: "/staff/analytics/at-risk/export", cookie: exporter.cookie })) as Response;
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^contact_id,Nama,Transaksi,/);
    expect(lines.length).toBeGreaterThan(5);
    const [audit] = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "analytics.at_risk.exported"));
    expect(audit).toMatchObject({ actorUserId: exporter.id, data: { format: "csv", rows: lines.length - 1 } });
  });

  it("reads the model from the nightly snapshot of the last week, and fits anew without one", async () => {
    const first = await load();
    if (!first.list.ok) throw new Error(first.list.problem);
    expect(first.list.model).toEqual({ kind: "fittedNow" });
    // a run of yesterday with parameters chosen by hand: the list must take p(alive) from them
    const todayText = today("Asia/Jakarta", new Date());
    const handPicked = { r: 0.5, alpha: 20, a: 0.3, b: 3 };
    const yesterday = addDays(todayText, -1);
    await app.runtime.db.insert(rfmSnapshotRuns).values({ snapshotDate: yesterday, windowDays: 365, trigger: "nightly", timeZone: "Asia/Jakarta", measure: "purchase", customers: 400, model: { bgNbd: { params: handPicked } } });
    const second = await load();
    if (!second.list.ok) throw new Error(second.list.problem);
    expect(second.list.model).toEqual({ kind: "snapshot", date: yesterday });
    expect(second.list.rows.length).toBeGreaterThan(0);
    for (const r of second.list.rows) expect(r.pAlive).toBeCloseTo(bgNbdPAlive(handPicked, r.x, r.tx, r.T), 12);
    await expectRendersInBothLanguages(atRiskPage.default, async (headers) => unwrap(await callRoute(app.runtime, atRiskPage.loader, { path: "/staff/analytics/at-risk", cookie: agent.cookie, headers })).data, { id: "snapshot malam", en: "nightly snapshot" });
    // a fit older than a week is not reused
    await app.runtime.db.update(rfmSnapshotRuns).set({ snapshotDate: addDays(todayText, -8) }).where(eq(rfmSnapshotRuns.snapshotDate, yesterday));
    const third = await load();
    if (!third.list.ok) throw new Error(third.list.problem);
    expect(third.list.model).toEqual({ kind: "fittedNow" });
    await app.runtime.db.delete(rfmSnapshotRuns);
  });

  it("an install without any snapshot gets yesterday's at start, queued once, as the night's job makes it", async () => {
    expect(await queueFirstSnapshot(app.runtime.db, app.runtime.jobs)).toBe(true);
    await app.runtime.jobs.drain(rfmSnapshotQueue);
    const runs = await app.runtime.db.select().from(rfmSnapshotRuns);
    expect(runs.map((r) => [r.snapshotDate, r.trigger])).toEqual([[addDays(today("Asia/Jakarta", new Date()), -1), "nightly"]]);
    // customers with a transaction inside the default window, one row each
    expect(runs[0].customers).toBeGreaterThan(100);
    expect(await app.runtime.db.$count(rfmSnapshots)).toBe(runs[0].customers);
    expect(await queueFirstSnapshot(app.runtime.db, app.runtime.jobs)).toBe(false);
    const page = await load();
    if (!page.list.ok) throw new Error(page.list.problem);
    expect(page.list.model).toEqual({ kind: "snapshot", date: runs[0].snapshotDate });
    await app.runtime.db.delete(rfmSnapshots);
    await app.runtime.db.delete(rfmSnapshotRuns);
  });

  it("fits the model check as a job and shows finite figures with parameters and standard errors", async () => {
    const page = unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie })).data as Awaited<ReturnType<typeof modelPage.loader>>;
    const reply = unwrap(await callRoute(app.runtime, modelPage.action, { path: "/staff/analytics/model", cookie: agent.cookie, form: page.defaults }));
    expect(reply.status).toBe(302);
    await app.runtime.jobs.drain(modelCheckQueue);
    const after = unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie })).data as Awaited<ReturnType<typeof modelPage.loader>>;
    expect(after.latest?.status).toBe("done");
    const result = after.done?.result;
    expect(result?.data.customers).toBeGreaterThan(300);
    expect(result?.bgNbd.standardErrors?.r).toBeGreaterThan(0);
    expect(result?.gammaGamma?.params.p).toBeGreaterThan(0);
    expect(result?.holdout.weeks).toBe(26);
    expect(after.done?.view.chart.svg).toContain("<svg");
    expectAllFinite(after.done);
    await expectRendersInBothLanguages(modelPage.default, async (headers) => unwrap(await callRoute(app.runtime, modelPage.loader, { path: "/staff/analytics/model", cookie: agent.cookie, headers })).data, { id: "Kesalahan baku", en: "Standard error" });
    const stored = rowsOf<{ n: number }>(await app.runtime.db.execute(sql`select count(*)::int as n from analytics_model_checks where status = 'done'`));
    expect(stored[0].n).toBe(1);
  });
});
