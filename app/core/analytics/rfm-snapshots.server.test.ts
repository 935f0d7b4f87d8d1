// RFM snapshots through the extension point, against hand-worked figures: quintiles and segments,
// the R × F grid's counts and revenue, month-over-month movement, the company's zone, the nightly
// job running once, objections deleting scores, and bad input giving a reason, never NaN.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/client.ts";
import { contacts, rfmSnapshotRuns, rfmSnapshots } from "../../../db/schema/index.ts";
import { createContact, createTestApp } from "../../../tests/support/test-app.ts";
import { defineServer, definePlugin, installPlugin, type CustomerTransaction } from "../../plugin-api/index.ts";
import { objectToProfiling } from "../privacy/profiling-objections.server.ts";
import { isoOfDay } from "./customer-summary.ts";
import { clvValues, contactScores, monthBefore, rfmGrid, segmentMovement, segmentTotals, snapshotMonthBefore, snapshotRun, snapshotScores } from "./rfm-reading.server.ts";
import { computeRfmSnapshot, runRfmSnapshotJob } from "./rfm-snapshots.server.ts";
import { simulateTransactions } from "./simulate.ts";

const offered: CustomerTransaction[] = [];
/** A second source, of visits (no amount): a hospital beside the shop. */
const visitsOffered: CustomerTransaction[] = [];
let measure: "purchase" | "visit" = "purchase";
const testShop = installPlugin({
  manifest: definePlugin({ id: "test-shop", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} }),
  server: async () => ({
    default: defineServer({
      transactions: [
        {
          key: "receipts",
          get measure() {
            return measure;
          },
          list: async (range) => offered.filter((t) => t.at >= range.from && t.at < range.to),
        },
        { key: "visits", measure: "visit", list: async (range) => visitsOffered.filter((t) => t.at >= range.from && t.at < range.to) },
      ],
    }),
  }),
  locales: { id: { meta: { name: "Toko", description: "Uji" } }, en: { meta: { name: "Shop", description: "Test" } } },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [testShop] });
});
afterAll(() => app.close());
beforeEach(async () => {
  offered.length = 0;
  visitsOffered.length = 0;
  measure = "purchase";
  await app.runtime.db.delete(rfmSnapshots);
  await app.runtime.db.delete(rfmSnapshotRuns);
});

let sourceId = 0;
/** A transaction at 10:00 WIB of a calendar day (or at an exact instant). */
function buy(contactId: string, when: string, amount: number | null) {
  const at = when.length === 10 ? new Date(`${when}T03:00:00Z`) : new Date(when);
  offered.push({ contactId, at, amount, source: { type: "test-shop.sale", id: String(++sourceId) } });
}

async function handWorkedMonth() {
  const [a, b, c, d, g] = await Promise.all([1, 2, 3, 4, 5].map(() => createContact(app.runtime)));
  buy(a.id, "2026-11-29", 100_000);
  buy(a.id, "2026-11-20", 50_000);
  buy(a.id, "2026-11-10", 50_000);
  buy(a.id, "2026-11-10", 20_000);
  buy(b.id, "2026-11-30", 10_000);
  buy(c.id, "2026-11-02", 300_000);
  buy(c.id, "2026-10-15", 999_000);
  buy(d.id, "2026-11-15", 40_000);
  buy(d.id, "2026-11-16", 40_000);
  // 18:00 UTC on 30 Nov is 01:00 WIB on 1 Dec: after the snapshot day in the company's zone
  buy(g.id, "2026-11-30T18:00:00Z", 70_000);
  return { a, b, c, d, g };
}

const numericColumns = ["monetary", "p_alive", "p_alive_low", "p_alive_high", "expected_30", "expected_90", "expected_365", "expected_spend", "clv", "clv_low", "clv_high"];
async function everyNumberFinite() {
  const rows = rowsOf<Record<string, unknown>>(await app.runtime.db.execute(sql`select * from rfm_snapshots`));
  for (const row of rows) for (const column of numericColumns) if (row[column] !== null) expect(Number.isFinite(Number(row[column])), `${column}=${row[column]}`).toBe(true);
  return rows;
}

describe("a snapshot of a hand-worked month", () => {
  it("stores quintiles and segments per contact, in the company's zone", async () => {
    const { a, b, c, d, g } = await handWorkedMonth();
    const outcome = await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    expect(outcome).toMatchObject({ snapshotDate: "2026-11-30", customers: 4, measure: "purchase" });
    const rows = await app.runtime.db.select().from(rfmSnapshots);
    const of = (id: string) => rows.find((r) => r.contactId === id);
    expect(of(a.id)).toMatchObject({ recencyDays: 1, frequency: 3, monetary: 220_000, r: 3, f: 4, m: 3, segment: "loyal" });
    expect(of(b.id)).toMatchObject({ recencyDays: 0, frequency: 1, monetary: 10_000, r: 4, f: 1, m: 1, segment: "promising" });
    expect(of(c.id)).toMatchObject({ recencyDays: 28, frequency: 1, monetary: 300_000, r: 1, f: 1, m: 4, segment: "lost" });
    expect(of(d.id)).toMatchObject({ recencyDays: 14, frequency: 2, monetary: 80_000, r: 2, f: 3, m: 2, segment: "atRisk" });
    expect(of(g.id)).toBeUndefined();
    await everyNumberFinite();
  });

  it("adds up counts and revenue per R × F cell and per segment", async () => {
    await handWorkedMonth();
    await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    const grid = await rfmGrid(app.runtime.db, "2026-11-30", { all: true });
    expect(grid).toHaveLength(25);
    const filled = grid.filter((cell) => cell.customers > 0).map((cell) => [cell.r, cell.f, cell.customers, cell.revenue]);
    expect(filled).toEqual([
      [4, 1, 1, 10_000],
      [3, 4, 1, 220_000],
      [2, 3, 1, 80_000],
      [1, 1, 1, 300_000],
    ]);
    const totals = Object.fromEntries((await segmentTotals(app.runtime.db, "2026-11-30", { all: true })).map((s) => [s.segment, [s.customers, s.revenue]]));
    expect(totals).toMatchObject({ loyal: [1, 220_000], promising: [1, 10_000], lost: [1, 300_000], atRisk: [1, 80_000], champions: [0, null] });
  });

  it("counts movement between a month's snapshots, with customers entering and leaving", async () => {
    const { a, b, c, d } = await handWorkedMonth();
    const f = await createContact(app.runtime);
    await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    // the end of October, as a nightly run would have left it
    await app.runtime.db.insert(rfmSnapshotRuns).values({ snapshotDate: "2026-10-31", windowDays: 30, trigger: "nightly", timeZone: "Asia/Jakarta", measure: "purchase", customers: 4 });
    const before = (contactId: string, segment: "champions" | "lost" | "atRisk" | "new") => ({ snapshotDate: "2026-10-31", contactId, recencyDays: 1, frequency: 1, r: 1, f: 1, segment });
    await app.runtime.db.insert(rfmSnapshots).values([before(a.id, "champions"), before(b.id, "lost"), before(c.id, "atRisk"), before(f.id, "new")]);
    expect(monthBefore("2026-11-30")).toBe("2026-10-31");
    expect(monthBefore("2026-11-15")).toBe("2026-10-15");
    expect((await snapshotMonthBefore(app.runtime.db, "2026-11-30"))?.snapshotDate).toBe("2026-10-31");
    const moves = await segmentMovement(app.runtime.db, "2026-10-31", "2026-11-30", { all: true });
    const text = moves.map((m) => `${m.from}>${m.to}:${m.customers}`).sort();
    // a champions → loyal, b lost → promising, c atRisk → lost, d enters as atRisk, f leaves the window
    expect(text).toEqual(["atRisk>lost:1", "champions>loyal:1", "lost>promising:1", "new>outside:1", "outside>atRisk:1"]);
    expect(d.id).toBeTruthy();
  });

  it("scores visits by frequency only: no monetary, spend or CLV", async () => {
    measure = "visit";
    const [a, b] = await Promise.all([1, 2].map(() => createContact(app.runtime)));
    buy(a.id, "2026-11-01", null);
    buy(a.id, "2026-11-20", null);
    buy(b.id, "2026-11-25", null);
    const outcome = await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    expect(outcome.measure).toBe("visit");
    const rows = await everyNumberFinite();
    expect(rows.every((r) => r.monetary === null && r.m === null && r.clv === null && r.expected_spend === null)).toBe(true);
  });
});

describe("an install with shops and a hospital", () => {
  it("scores purchases only: visits (no amount) count neither as a transaction nor as Rp 0", async () => {
    const [shopper, patient] = await Promise.all([1, 2].map(() => createContact(app.runtime)));
    buy(shopper.id, "2026-11-10", 40_000);
    buy(shopper.id, "2026-11-20", 60_000);
    const visit = (contactId: string, day: string) => visitsOffered.push({ contactId, at: new Date(`${day}T03:00:00Z`), amount: null, source: { type: "test-clinic.visit", id: day } });
    visit(shopper.id, "2026-11-25"); // the same person at the clinic
    visit(patient.id, "2026-11-05");
    visit(patient.id, "2026-11-28");
    const outcome = await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    expect(outcome).toMatchObject({ measure: "purchase", customers: 1 });
    const rows = rowsOf<{ contact_id: string; frequency: number; monetary: number; recency_days: number }>(
      await app.runtime.db.execute(sql`select contact_id, frequency, monetary, recency_days from rfm_snapshots`),
    );
    expect(rows).toEqual([{ contact_id: shopper.id, frequency: 2, monetary: 100_000, recency_days: 10 }]);
  });
});

describe("degenerate data gives a reason, never NaN", () => {
  it("no transactions", async () => {
    const outcome = await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 365, trigger: "admin" });
    expect(outcome).toMatchObject({ customers: 0, measure: "none", modelProblem: "noTransactions" });
    expect(await snapshotRun(app.runtime.db)).toMatchObject({ snapshotDate: "2026-11-30", modelProblem: "noTransactions", customers: 0 });
    expect(await rfmGrid(app.runtime.db, "2026-11-30", { all: true })).toHaveLength(25);
  });
  it("one customer", async () => {
    const a = await createContact(app.runtime);
    buy(a.id, "2026-11-01", 10_000);
    buy(a.id, "2026-11-02", 10_000);
    expect((await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 365, trigger: "admin" })).modelProblem).toBe("oneCustomer");
    const scores = await contactScores(app.runtime.db, a.id);
    expect(scores).toMatchObject({ segment: expect.any(String), pAlive: null, clv: null });
  });
  it("everyone with a single purchase", async () => {
    const people = await Promise.all([1, 2, 3].map(() => createContact(app.runtime)));
    people.forEach((p, i) => buy(p.id, `2026-11-0${i + 1}`, 10_000));
    expect((await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 365, trigger: "admin" })).modelProblem).toBe("noRepeat");
    await everyNumberFinite();
  });
});

describe("a simulated population", () => {
  it("gets finite scores in range, each inside its interval", async () => {
    const start = Date.UTC(2025, 0, 1) / 86_400_000;
    const simulated = simulateTransactions({ customers: 300, seed: 7, bg: { r: 0.8, alpha: 20, a: 0.8, b: 2.5 }, gg: { p: 6, q: 4, gamma: 200_000 }, startDay: start, acquisitionDays: 180, endDay: start + 600 });
    const ids = await app.runtime.db
      .insert(contacts)
      .values(Array.from({ length: 300 }, (_, i) => ({ fullName: `Sim ${i}` })))
      .returning({ id: contacts.id });
    for (const t of simulated) buy(ids[Number(t.contactId.slice(1))].id, isoOfDay(t.day), t.amount);
    const outcome = await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: isoOfDay(start + 600), windowDays: 365, trigger: "admin" });
    expect(outcome.modelProblem).toBeNull();
    const rows = await everyNumberFinite();
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) {
      const p = Number(r.p_alive);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Number(r.p_alive_low)).toBeLessThanOrEqual(p + 1e-12);
      expect(Number(r.p_alive_high)).toBeGreaterThanOrEqual(p - 1e-12);
      expect(Number(r.clv_low)).toBeLessThanOrEqual(Number(r.clv) + 1e-6);
    }
    const clv = await clvValues(app.runtime.db, isoOfDay(start + 600), { all: true });
    expect(clv.length).toBe(rows.length);
    const run = (await snapshotRun(app.runtime.db))!;
    const page = await snapshotScores(app.runtime.db, run, { all: true }, { limit: 10 });
    expect(page.rows).toHaveLength(10);
    expect(page.next).not.toBeNull();
  });
});

describe("the nightly job", () => {
  it("snapshots yesterday in WIB, once however often it runs", async () => {
    const a = await createContact(app.runtime);
    buy(a.id, "2026-12-01", 10_000);
    // 17:30 UTC on 7 Dec is 00:30 WIB on 8 Dec: yesterday is 7 Dec
    const now = new Date("2026-12-07T17:30:00Z");
    const first = await runRfmSnapshotJob(app.runtime.db, app.runtime.registry, {}, now);
    expect(first).toMatchObject({ snapshotDate: "2026-12-07", customers: 1 });
    expect(await runRfmSnapshotJob(app.runtime.db, app.runtime.registry, {}, now)).toBeNull();
    // an admin's request scores today so far, with the window carried on from the last run
    const onDemand = await runRfmSnapshotJob(app.runtime.db, app.runtime.registry, { trigger: "admin", windowDays: 90 }, now);
    expect(onDemand?.snapshotDate).toBe("2026-12-08");
    expect((await snapshotRun(app.runtime.db))?.windowDays).toBe(90);
  });
  it("runs from the queue", async () => {
    const jobs = app.runtime.jobs;
    await jobs.send("core.analytics.rfm-snapshot", { trigger: "admin", windowDays: 365 }, { singletonKey: "admin" });
    expect(await jobs.drain("core.analytics.rfm-snapshot")).toBeGreaterThanOrEqual(1);
    expect(await snapshotRun(app.runtime.db)).not.toBeNull();
  });
});

describe("objection to profiling", () => {
  it("deletes the contact's scores at once and keeps them out of later snapshots", async () => {
    const { a, b } = await handWorkedMonth();
    await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    expect(await contactScores(app.runtime.db, a.id)).not.toBeNull();
    await objectToProfiling(app.runtime.db, { kind: "system" }, a.id, "request");
    expect(await contactScores(app.runtime.db, a.id)).toBeNull();
    expect(await contactScores(app.runtime.db, b.id)).not.toBeNull();
    await computeRfmSnapshot(app.runtime.db, app.runtime.registry, { snapshotDate: "2026-11-30", windowDays: 30, trigger: "admin" });
    const rows = await app.runtime.db.select({ contactId: rfmSnapshots.contactId }).from(rfmSnapshots);
    expect(rows.map((r) => r.contactId)).not.toContain(a.id);
    expect(rows).toHaveLength(3);
  });
});
