// The daily KPI rollups (ADR 021) answer exactly what the KPIs' live SQL answers: every rolled-up KPI,
// as a total and split by each of its dimensions, for several ranges and every branch, on the demo
// data plus records either side of midnight in WIB and WITA; again after writes to past days (the
// triggers mark them, the refresh recomputes only those), after a contact moves branch (a full
// rebuild), and at an instant just before midnight WIB. The dashboard then shows how fresh it is.
// Distinct counts (active contacts, repeat-purchase rate, purchase frequency: ADR 028) too, for
// ranges starting mid-history, and after a write between two active days of a contact.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../db/client.ts";
import { seedDemoData } from "../db/seed/demo.ts";
import type { KpiDimension, KpiQuery } from "../app/core/plugins/contract.ts";
import { isDistinct, isRolledUp, readsRollup, refreshKpiRollups, rollupRows, rollupTrend, rollupView, type RollupKpi } from "../app/core/reports/kpi-rollup.server.ts";
import { allKpis, kpiValue, trendBuckets } from "../app/core/reports/kpis.server.ts";
import { addDays, presetRange, today, type DateRange } from "../app/core/time/local-time.ts";
import * as dashboard from "../app/routes/staff/dashboard.tsx";
import { languageCookie } from "../app/core/i18n/i18n.server.ts";
import { installedPlugins } from "../plugins/index.ts";
import { atInstant } from "./support/clock.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let kpis: RollupKpi[];
let branchIds: string[];

const rows = async <T,>(query: ReturnType<typeof sql>) => rowsOf<T>(await app.runtime.db.execute(query));
const context = () => ({ db: app.runtime.db, language: "id" as const, t: ((k: string) => k) as never });

beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  await seedDemoData(app.runtime);
  kpis = allKpis(app.runtime.registry);
  branchIds = (await rows<{ id: string }>(sql`select id from branches order by code`)).map((r) => r.id);
  // records either side of midnight in WIB (RSNM-JKT) and WITA (RSNM-MKS): 16:59:59Z / 17:00:01Z and 15:59:59Z / 16:00:01Z
  const [jkt, mks] = await Promise.all(
    ["RSNM-JKT", "RSNM-MKS"].map(async (code) => (await rows<{ id: string }>(sql`select id from branches where code = ${code}`))[0].id),
  );
  const yesterday = addDays(today("Asia/Jakarta"), -1);
  for (const [branch, edge] of [
    [jkt, `${yesterday}T17:00:00Z`],
    [mks, `${yesterday}T16:00:00Z`],
  ]) {
    for (const offset of [-1000, 1000]) {
      const at = new Date(new Date(edge).getTime() + offset).toISOString();
      await app.runtime.db.execute(sql`insert into contacts (full_name, branch_id, created_at) values ('Tengah Malam', ${branch}, ${at}::timestamptz)`);
      await app.runtime.db.execute(sql`insert into tickets (number, subject, channel, category, branch_id, created_at, resolved_at, status, sla_due_at)
        values (${`TM-${branch.slice(0, 4)}-${offset}`}, 'Tengah malam', 'email', 'other', ${branch}, ${at}::timestamptz, ${at}::timestamptz, 'resolved', ${at}::timestamptz)`);
      await app.runtime.db.execute(sql`insert into interactions (contact_id, channel, direction, subject, occurred_at, branch_id)
        select id, 'call', 'inbound', 'Tengah malam', ${at}::timestamptz, ${branch} from contacts where full_name = 'Tengah Malam' order by created_at limit 1`);
    }
  }
  // the demo data has no interactions: 400 contacts with up to 8 each over 450 days, mostly at their
  // own branch, some at another one or none (a contact active in two branches counts once in all),
  // several on the same day, and some hours either side of midnight
  await app.runtime.db.execute(sql`insert into interactions (contact_id, channel, direction, subject, occurred_at, branch_id)
    select c.id, (array['call','visit','whatsapp','email'])[1 + (hashtext(c.id::text || g || 'ch') & 3)], 'inbound', 'Uji rollup',
      now() - make_interval(days => (hashtext(c.id::text || g) & 2147483647) % 450, hours => (hashtext(c.id::text || g || 'h') & 2147483647) % 24),
      case (hashtext(c.id::text || g || 'b') & 7) when 0 then null when 1 then (select id from branches order by code offset (hashtext(c.id::text || g) & 3) limit 1) else c.branch_id end
    from (select id, branch_id from contacts order by id limit 400) c cross join generate_series(1, 8) g
    where g <= 1 + (hashtext(c.id::text) & 2147483647) % 8`);
}, 600_000);
afterAll(() => app.close());

function ranges(now: Date): DateRange[] {
  const day = today("Asia/Jakarta", now);
  return [
    presetRange("today", "Asia/Jakarta", now),
    presetRange("7d", "Asia/Jakarta", now),
    { from: addDays(day, -400), to: addDays(day, 60) },
    { from: addDays(day, -1), to: addDays(day, -1) },
    // starting mid-history: contacts active before count once, on their first day in the range
    { from: addDays(day, -90), to: addDays(day, -20) },
  ];
}

/** Every rolled-up KPI, total and per dimension, for every range and branch scope: rollup = live SQL. */
async function expectRollupsMatchLive(now: Date, options: { extraRanges?: DateRange[]; only?: (kpi: RollupKpi) => boolean } = {}) {
  const view = await rollupView(app.runtime.db);
  expect(view).not.toBeNull();
  // every branch, a hospital in WIB and one in WITA, a store in WITA, two branches, none
  const scopes: (string[] | null)[] = [null, [branchIds[0]], [branchIds[1]], [branchIds[3]], branchIds.slice(0, 2), []];
  let compared = 0;
  for (const kpi of kpis.filter(isRolledUp).filter(options.only ?? (() => true))) {
    expect(view!.kpiIds.has(kpi.id), kpi.id).toBe(true);
    const dimensions: (KpiDimension | null)[] = kpi.snapshot ? [null, "branch"] : [null, ...kpi.dimensions];
    for (const range of kpi.snapshot ? [ranges(now)[0]] : [...ranges(now), ...(options.extraRanges ?? [])]) {
      for (const scope of scopes) {
        for (const dimension of dimensions) {
          const query: KpiQuery = { range, branchIds: scope, dimension, now };
          if (!readsRollup(view, kpi, dimension, scope)) {
            // a distinct count for two of the branches is read live (summing branches would count a contact twice)
            expect(isDistinct(kpi) && scope !== null && scope.length > 1 && dimension !== "branch", `${kpi.id} ${dimension} ${JSON.stringify(scope)}`).toBe(true);
            continue;
          }
          const live = (await kpi.compute(query, context())).map((r) => ({ key: r.key ?? "", label: r.label ?? null, numerator: r.numerator, denominator: r.denominator ?? null, value: kpiValue(kpi, r) }));
          const rolled = (await rollupRows(app.runtime.db, kpi, query)).map((r) => ({ key: r.key ?? "", label: r.label ?? null, numerator: r.numerator, denominator: r.denominator ?? null, value: kpiValue(kpi, r) }));
          expect(rolled, `${kpi.id} ${range.from}..${range.to} ${JSON.stringify(scope)} ${dimension}`).toEqual(live);
          compared++;
        }
      }
    }
    if (kpi.snapshot) continue;
    // a trend's buckets in one query: each as its own live total
    const buckets = trendBuckets(ranges(now)[2]).map((b) => b.range);
    for (const scope of [null, [branchIds[1]], [branchIds[3]]]) {
      const trend = (await rollupTrend(app.runtime.db, kpi, buckets, { branchIds: scope })).map((r) => kpiValue(kpi, r));
      const live = await Promise.all(buckets.map(async (range) => kpiValue(kpi, (await kpi.compute({ range, branchIds: scope, dimension: null, now }, context()))[0])));
      expect(trend, `${kpi.id} trend ${JSON.stringify(scope)}`).toEqual(live);
    }
  }
  return compared;
}

describe("KPI rollups", () => {
  it("hold, after a full build, exactly the live SQL's figures; additive KPIs and snapshots alike", async () => {
    const rolled = kpis.filter(isRolledUp).map((k) => k.id);
    // medians and percentiles stay live SQL; distinct counts are rolled up by previous active day
    expect(rolled).not.toContain("hospital-referrals.daysToFirstVisitP90");
    expect(kpis.filter(isDistinct).map((k) => k.id)).toEqual(expect.arrayContaining(["core.contacts.active", "retail-pos.repeatRate", "retail-pos.purchaseFrequency"]));
    expect(rolled).toEqual(expect.arrayContaining(["core.tickets.closed", "retail-pos.netSales", "hospital-appointments.noShowRate", "core.tickets.backlog"]));
    const now = new Date();
    const result = await refreshKpiRollups(app.runtime.db, kpis, { now });
    expect(result.full).toBe(true);
    // the demo data has something to compare in most KPIs
    const [{ n }] = await rows<{ n: number }>(sql`select count(distinct kpi_id)::int as n from kpi_rollup_days`);
    expect(n).toBeGreaterThan(15);
    const [{ distinct }] = await rows<{ distinct: number }>(sql`select count(distinct kpi_id)::int as distinct from kpi_rollup_distinct`);
    expect(distinct).toBe(3);
    expect(await expectRollupsMatchLive(now)).toBeGreaterThan(1000);
    // the distinct figures are not trivially equal: contacts active on several days and in two branches
    const active = kpis.find((k) => k.id === "core.contacts.active")!;
    const year = ranges(now)[2];
    const [total] = await rollupRows(app.runtime.db, active, { range: year, branchIds: null, dimension: null });
    const perBranch = await rollupRows(app.runtime.db, active, { range: year, branchIds: null, dimension: "branch" });
    const [{ days }] = await rows<{ days: number }>(sql`select count(distinct (contact_id, (occurred_at at time zone 'Asia/Jakarta')::date))::int as days from interactions`);
    expect(total.numerator).toBeGreaterThan(300);
    expect(perBranch.reduce((sum, r) => sum + r.numerator, 0)).toBeGreaterThan(total.numerator);
    expect(days).toBeGreaterThan(total.numerator * 2);
  }, 300_000);

  it("recompute only the days writes touched, and stay equal to the live SQL", async () => {
    const db = app.runtime.db;
    await refreshKpiRollups(db, kpis);
    const past = addDays(today("Asia/Jakarta"), -40);
    // a past appointment's outcome changes, a past ticket is resolved, a past sale is deleted
    await db.execute(sql`update hospital_appointments_appointments set status = 'noshow'
      where id = (select id from hospital_appointments_appointments where status in ('arrived','fulfilled') order by local_date limit 1)`);
    await db.execute(sql`update tickets set status = 'resolved', resolved_at = ${`${past}T03:00:00Z`}::timestamptz where id = (select id from tickets where resolved_at is null order by created_at limit 1)`);
    await db.execute(sql`delete from retail_pos_sale_lines where sale_id = (select id from retail_pos_sales where kind = 'sale' and not exists (select 1 from retail_pos_sales r where r.original_sale_id = retail_pos_sales.id) order by occurred_at limit 1)`);
    await db.execute(sql`delete from retail_pos_sales where id = (select id from retail_pos_sales where kind = 'sale' and not exists (select 1 from retail_pos_sales r where r.original_sale_id = retail_pos_sales.id) order by occurred_at limit 1)`);
    const marked = await rows<{ day: string }>(sql`select distinct day::text as day from kpi_rollup_dirty order by 1`);
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.map((m) => m.day)).not.toContain("-infinity");
    const now = new Date();
    const result = await refreshKpiRollups(db, kpis, { now });
    expect(result.full).toBe(false);
    expect(result.days).toBeLessThan(30);
    await expectRollupsMatchLive(now);
  }, 300_000);

  it("move the next active day's previous day when a write lands between two active days (distinct counts)", async () => {
    const db = app.runtime.db;
    await refreshKpiRollups(db, kpis);
    const distinct = (k: RollupKpi) => isDistinct(k);
    // a contact active on two days at least a week apart with nothing between, always at one branch
    // (with a second branch, the later day may be elsewhere and rightly not count at the first)
    const [gap] = await rows<{ contact_id: string; branch_id: string; d1: string; d2: string }>(sql`select contact_id, branch_id, d1::text, d2::text from (
        select contact_id, branch_id, d as d1, lead(d) over (partition by contact_id order by d) as d2 from (
          select distinct on (contact_id, d) contact_id, branch_id, d from (
            select contact_id, branch_id, (occurred_at at time zone 'Asia/Jakarta')::date as d from interactions
            where contact_id not in (select contact_id from interactions group by 1 having count(distinct branch_id) > 1 or count(*) filter (where branch_id is null) > 0)) i
          order by contact_id, d, branch_id) x) y
      where d2 - d1 >= 7 and branch_id is not null order by d1 limit 1`);
    expect(gap).toBeDefined();
    const mid = addDays(gap.d1, 3);
    const at = `${mid}T05:00:00Z`; // noon in WIB: the same day in every zone
    const [{ id }] = await rows<{ id: string }>(sql`insert into interactions (contact_id, channel, direction, subject, occurred_at, branch_id)
      values (${gap.contact_id}, 'visit', 'inbound', 'Di antara', ${at}::timestamptz, ${gap.branch_id}) returning id`);
    // the same for a member: a receipt between two of their purchase days at one store
    const [buy] = await rows<{ sale_id: string; d1: string; d2: string }>(sql`select sale_id, d1::text, d2::text from (
        select id as sale_id, d as d1, lead(d) over (partition by contact_id order by d) as d2 from (
          select id, contact_id, (occurred_at at time zone 'Asia/Jakarta')::date as d from retail_pos_sales
          where kind = 'sale' and contact_id is not null and contact_id not in (select contact_id from retail_pos_sales where contact_id is not null group by 1 having count(distinct branch_id) > 1)) x) y
      where d2 - d1 >= 7 order by d1 limit 1`);
    expect(buy).toBeDefined();
    const saleMid = addDays(buy.d1, 3);
    await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, contact_id, occurred_at, total_idr)
      select connection_id, branch_id, 'sale', 'ANTARA-1', 'antara-1', 'h', contact_id, ${`${saleMid}T05:00:00Z`}::timestamptz, 10000 from retail_pos_sales where id = ${buy.sale_id}`);
    const now = new Date();
    // the marks are the new records' days only; the later active days must follow
    const marked = (await rows<{ day: string }>(sql`select distinct day::text as day from kpi_rollup_dirty`)).map((m) => m.day);
    expect(marked).toContain(mid);
    expect(marked).not.toContain(gap.d2);
    const result = await refreshKpiRollups(db, kpis, { now });
    expect(result.full).toBe(false);
    // ranges starting on the new day (the later day no longer counts: its previous day is in the range), and after it
    const extraRanges = [
      { from: mid, to: gap.d2 },
      { from: mid, to: addDays(gap.d2, 30) },
      { from: addDays(mid, 1), to: gap.d2 },
      { from: saleMid, to: buy.d2 },
      { from: saleMid, to: addDays(buy.d2, 30) },
    ];
    await expectRollupsMatchLive(now, { extraRanges, only: distinct });
    // the contact counts once in [mid, d2] at their branch, the member is a repeat buyer in [saleMid, d2]
    const active = kpis.find((k) => k.id === "core.contacts.active")!;
    const before = await rollupRows(db, active, { range: { from: mid, to: gap.d2 }, branchIds: [gap.branch_id], dimension: null });
    const beforeEverywhere = await rollupRows(db, active, { range: { from: mid, to: gap.d2 }, branchIds: null, dimension: null });
    await db.execute(sql`delete from interactions where id = ${id}`);
    await db.execute(sql`delete from retail_pos_sales where receipt_no = 'ANTARA-1'`);
    await refreshKpiRollups(db, kpis, { now });
    const after = await rollupRows(db, active, { range: { from: mid, to: gap.d2 }, branchIds: [gap.branch_id], dimension: null });
    // without the new day the contact still counts, on d2 (its previous day d1 is before the range)
    expect(after[0].numerator).toBe(before[0].numerator);
    expect((await rollupRows(db, active, { range: { from: mid, to: gap.d2 }, branchIds: null, dimension: null }))[0].numerator).toBe(beforeEverywhere[0].numerator);
    await expectRollupsMatchLive(now, { extraRanges, only: distinct });
  }, 300_000);

  it("keep the mark of a write committed while the figures are computed, for the next run", async () => {
    const db = app.runtime.db;
    await refreshKpiRollups(db, kpis);
    const contacts = kpis.find((k) => k.id === "core.contacts.new")!;
    expect(isRolledUp(contacts)).toBe(true);
    const now = new Date();
    await db.execute(sql`insert into contacts (full_name, branch_id, created_at) values ('Kontak Lama', ${branchIds[0]}, ${new Date(now.getTime() - 40 * 86_400_000).toISOString()}::timestamptz)`);
    let wrote = false;
    // the contact is inserted (and committed) by another statement after the marks were read and before they are cleared
    const racing = kpis.map((k) =>
      k.id !== contacts.id
        ? k
        : {
            ...k,
            compute: async (query: KpiQuery, ctx: Parameters<typeof k.compute>[1]) => {
              if (!wrote) {
                wrote = true;
                await db.execute(sql`insert into contacts (full_name, branch_id, created_at) values ('Datang Saat Hitung', ${branchIds[0]}, ${now.toISOString()}::timestamptz)`);
              }
              return k.compute(query, ctx);
            },
          },
    );
    expect((await refreshKpiRollups(db, racing, { now })).full).toBe(false);
    expect(wrote).toBe(true);
    // the marks read before computing are gone; the racing write's are kept (its day in WIB, and the
    // next day too when it is already past midnight further east: the triggers mark every zone's day)
    const left = (await rows<{ day: string }>(sql`select day::text as day from kpi_rollup_dirty`)).map((m) => m.day);
    expect(left).toContain(today("Asia/Jakarta", now));
    expect(left).not.toContain(today("Asia/Jakarta", new Date(now.getTime() - 40 * 86_400_000)));
    await refreshKpiRollups(db, kpis, { now });
    expect(await rows(sql`select day from kpi_rollup_dirty`)).toEqual([]);
    await expectRollupsMatchLive(now);
  }, 300_000);

  it("rebuild everything when a contact moves branch (their messages and points move with them)", async () => {
    const db = app.runtime.db;
    const moved = await rows<{ id: string }>(sql`update contacts set branch_id = ${branchIds[1]} where id = (select c.id from contacts c
      where c.branch_id is distinct from ${branchIds[1]}::uuid order by exists (select 1 from retail_loyalty_ledger e where e.contact_id = c.id) desc, c.created_at limit 1) returning id`);
    expect(moved).toHaveLength(1);
    expect((await rows<{ day: string }>(sql`select day::text as day from kpi_rollup_dirty`)).map((r) => r.day)).toContain("-infinity");
    const now = new Date();
    expect((await refreshKpiRollups(db, kpis, { now })).full).toBe(true);
    await expectRollupsMatchLive(now);
  }, 300_000);

  it("agree at an instant just before midnight WIB", async () => {
    await atInstant("2026-12-07T16:59:30Z", async () => {
      const db = app.runtime.db;
      await db.execute(sql`insert into contacts (full_name, branch_id) values ('Hampir Tengah Malam', ${branchIds[0]})`);
      const now = new Date();
      await refreshKpiRollups(db, kpis, { now });
      await expectRollupsMatchLive(now);
    });
  }, 300_000);

  it("the dashboard reads them and says how fresh its data is, in both languages", async () => {
    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    await atInstant("2026-12-07T07:05:00Z", () => refreshKpiRollups(app.runtime.db, kpis));
    type Dashboard = Awaited<ReturnType<typeof dashboard.loader>>;
    const id = unwrap(await callRoute(app.runtime, dashboard.loader, { path: "/staff?range=year", cookie: admin.cookie }));
    expect((id.data as Dashboard).report!.freshnessText).toBe("Data per pukul 14.05 WIB");
    const english = `${admin.cookie}; ${(await languageCookie.serialize("en")).split(";")[0]}`;
    const en = unwrap(await callRoute(app.runtime, dashboard.loader, { path: "/staff?range=year", cookie: english }));
    expect((en.data as Dashboard).report!.freshnessText).toBe("Data as of 2:05 pm WIB");
  });
});
