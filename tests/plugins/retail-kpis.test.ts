// retail-pos' and retail-loyalty's KPIs against a fixture worked out by hand. Store S1 is in
// Jakarta (WIB, +7), S2 in Makassar (WITA, +8); November 2026; "now" is 2 Dec 2026 07:00 WIB.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { kpiValue } from "../../app/core/reports/kpis.server.ts";
import { loyaltyKpis } from "../../plugins/retail-loyalty/kpis.server.ts";
import retailLoyalty from "../../plugins/retail-loyalty/index.ts";
import { receiptTransactions } from "../../plugins/retail-pos/analytics-transactions.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import { posKpis } from "../../plugins/retail-pos/kpis.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import { createContact, createStaff, createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let s1: string;
let s2: string;
const november = { from: "2026-11-01", to: "2026-11-30" };
const now = new Date("2026-12-02T00:00:00Z");

async function one<T>(query: ReturnType<typeof sql>) {
  return rowsOf<T>(await app.runtime.db.execute(query))[0];
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos, retailLoyalty] });
  const db = app.runtime.db;
  ({ id: s1 } = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('S1', 'Toko Jakarta', 'store', 'Asia/Jakarta') returning id`));
  ({ id: s2 } = await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values ('S2', 'Toko Makassar', 'store', 'Asia/Makassar') returning id`));
  const c1 = await createConnection(db, { kind: "system" }, { branchId: s1, name: "Kasir 1" });
  const c2 = await createConnection(db, { kind: "system" }, { branchId: s2, name: "Kasir 2" });
  if (!c1.ok || !c2.ok) throw new Error("connections");
  const conn = async (branchId: string) => (await one<{ id: string }>(sql`select id from retail_pos_connections where branch_id = ${branchId}`)).id;
  const [k1, k2] = [await conn(s1), await conn(s2)];
  const memberA = await createContact(app.runtime, { branchId: s1 });
  const memberB = await createContact(app.runtime, { branchId: s2 });
  let n = 0;
  const sale = async (v: { conn: string; branch: string; kind?: "sale" | "refund"; total: number; contact: string | null; at: string; original?: string; lines?: [string, string, number, number][] }) => {
    n++;
    const { id } = await one<{ id: string }>(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, original_sale_id, contact_id, occurred_at, total_idr)
      values (${v.conn}, ${v.branch}, ${v.kind ?? "sale"}, ${`R${n}`}, ${`k${n}`}, 'h', ${v.original ?? null}, ${v.contact}, ${v.at}::timestamptz, ${v.total}) returning id`);
    let line = 1;
    for (const [sku, category, quantity, unit] of v.lines ?? []) {
      await db.execute(sql`insert into retail_pos_sale_lines (sale_id, line_no, sku, name, category, quantity, unit_price_idr, amount_idr)
        values (${id}, ${line++}, ${sku}, ${`Barang ${sku}`}, ${category}, ${quantity}, ${unit}, ${quantity * unit})`);
    }
    return id;
  };
  // s1: member A, 2 × X (30.000) + 1 × Y (40.000) = 100.000
  const first = await sale({ conn: k1, branch: s1, total: 100_000, contact: memberA.id, at: "2026-11-02T03:00:00Z", lines: [["X", "Minuman", 2, 30_000], ["Y", "Makanan", 1, 40_000]] });
  // s2: member A again, 1 × Y (50.000)
  await sale({ conn: k1, branch: s1, total: 50_000, contact: memberA.id, at: "2026-11-03T03:00:00Z", lines: [["Y", "Makanan", 1, 50_000]] });
  // s3: a walk-in, 1 × X (30.000)
  await sale({ conn: k1, branch: s1, total: 30_000, contact: null, at: "2026-11-04T03:00:00Z", lines: [["X", "Minuman", 1, 30_000]] });
  // s4: member B in Makassar at 00:30 WITA on 1 Nov (still 31 Oct in WIB): November
  await sale({ conn: k2, branch: s2, total: 20_000, contact: memberB.id, at: "2026-10-31T16:30:00Z", lines: [["X", "Minuman", 1, 20_000]] });
  // a refund of 10.000 of s1 on 5 Nov
  await sale({ conn: k1, branch: s1, kind: "refund", total: 10_000, contact: memberA.id, at: "2026-11-05T03:00:00Z", original: first });
  // 00:30 WIB on 1 Dec: December
  await sale({ conn: k1, branch: s1, total: 999, contact: null, at: "2026-11-30T17:30:00Z", lines: [["X", "Minuman", 1, 999]] });

  const staff = await createStaff(app.runtime, { roles: ["admin"] });
  const entry = (contact: string, kind: string, points: number, balance: number, at: string) =>
    db.execute(sql`insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, occurred_at, reason, staff_user_id)
      values (${contact}, ${kind}, ${points}, ${balance}, ${at}::timestamptz, ${kind === "adjust" ? "hadiah" : null}, ${kind === "adjust" ? staff.id : null})`);
  await entry(memberA.id, "earn", 100, 100, "2026-11-02T03:00:00Z");
  await entry(memberA.id, "adjust", 20, 120, "2026-11-03T03:00:00Z");
  await entry(memberA.id, "redeem", -50, 70, "2026-11-04T03:00:00Z");
  await entry(memberB.id, "expire", -5, 0, "2026-11-05T03:00:00Z");
  await entry(memberA.id, "earn", 7, 77, "2026-12-01T03:00:00Z");
  const lot = (contact: string, remaining: number, expires: string) =>
    db.execute(sql`insert into retail_loyalty_lots (contact_id, points, remaining, value_idr, earned_at, expires_at) values (${contact}, ${remaining}, ${remaining}, 0, '2026-06-01T00:00:00Z', ${expires}::timestamptz)`);
  await lot(memberA.id, 70, "2026-12-20T00:00:00Z"); // 18 days away
  await lot(memberA.id, 30, "2027-01-20T00:00:00Z"); // 49 days
  await lot(memberB.id, 10, "2027-02-20T00:00:00Z"); // 80 days
  await lot(memberB.id, 40, "2026-11-30T00:00:00Z"); // already expired: owed no more

  const { id: reward } = await one<{ id: string }>(sql`insert into retail_loyalty_rewards (code, name, points_cost, value_idr) values ('KPI-R', '{"id":"Voucher","en":"Voucher"}', 50, 10000) returning id`);
  const voucher = (code: string, contact: string, status: string, issued: string) =>
    db.execute(sql`insert into retail_loyalty_vouchers (code, contact_id, reward_id, points_cost, value_idr, status, issued_at, expires_at, used_at)
      values (${code}, ${contact}, ${reward}, 50, 10000, ${status}, ${issued}::timestamptz, '2027-01-01T00:00:00Z', ${status === "used" ? issued : null}::timestamptz)`);
  await voucher("V1", memberA.id, "used", "2026-11-04T03:00:00Z");
  await voucher("V2", memberA.id, "issued", "2026-11-05T03:00:00Z");
  await voucher("V3", memberB.id, "cancelled", "2026-11-06T03:00:00Z");
});
afterAll(() => app.close());

async function rowsOfKpi(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery>) {
  const kpi = kpis.find((k) => k.id === id)!;
  const rows = await kpi.compute({ range: november, branchIds: null, dimension: null, now, ...query }, { db: app.runtime.db, t: (k) => k, language: "id" });
  return { kpi, rows };
}
async function figure(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery> = {}) {
  const { kpi, rows } = await rowsOfKpi(kpis, id, query);
  return kpiValue(kpi, rows[0]);
}
async function split(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery>) {
  const { kpi, rows } = await rowsOfKpi(kpis, id, query);
  return Object.fromEntries(rows.map((r) => [r.label ?? r.key, kpiValue(kpi, r)]));
}

describe("retail-pos offers its receipts to analytics", () => {
  it("customers' receipts only, each with its store for cohort splits (no channel or referral source)", async () => {
    const receipts = await receiptTransactions.list({ from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") }, { db: app.runtime.db });
    expect(receipts.sort((a, b) => a.at.getTime() - b.at.getTime()).map((r) => [r.at.toISOString(), r.branchId, r.channel, r.referralSource])).toEqual([
      ["2026-10-31T16:30:00.000Z", s2, undefined, undefined],
      ["2026-11-02T03:00:00.000Z", s1, undefined, undefined],
      ["2026-11-03T03:00:00.000Z", s1, undefined, undefined],
    ]);
  });
});

describe("retail-pos KPIs", () => {
  it("net sales are sales minus refunds on each store's own day", async () => {
    expect(await figure(posKpis, "netSales")).toBe(190_000);
    expect(await split(posKpis, "netSales", { dimension: "store" })).toEqual({ "Toko Jakarta": 170_000, "Toko Makassar": 20_000 });
    expect(await figure(posKpis, "netSales", { branchIds: [s2] })).toBe(20_000);
  });

  it("receipts, average basket in Rupiah and items", async () => {
    expect(await figure(posKpis, "receipts")).toBe(4);
    expect(await figure(posKpis, "basketRupiah")).toBe(50_000);
    // items 3 + 1 + 1 + 1 over 4 receipts
    expect(await figure(posKpis, "basketItems")).toBe(1.5);
  });

  it("members' share, repeat-purchase rate and purchase frequency", async () => {
    // (100 + 50 + 20) / 200 thousand
    expect(await figure(posKpis, "membersShare")).toBe(85);
    // A bought twice, B once
    expect(await figure(posKpis, "repeatRate")).toBe(50);
    expect(await figure(posKpis, "purchaseFrequency")).toBe(1.5);
    expect(await figure(posKpis, "repeatRate", { branchIds: [s1] })).toBe(100);
  });

  it("sales by category and product", async () => {
    expect(await figure(posKpis, "lineSales")).toBe(200_000);
    expect(await split(posKpis, "lineSales", { dimension: "category" })).toEqual({ Makanan: 90_000, Minuman: 110_000 });
    expect(await split(posKpis, "lineSales", { dimension: "product" })).toEqual({ "Barang X": 110_000, "Barang Y": 90_000 });
  });
});

describe("retail-loyalty KPIs", () => {
  it("points issued (earned + granted), redeemed and expired", async () => {
    expect(await figure(loyaltyKpis, "pointsIssued")).toBe(120);
    expect(await figure(loyaltyKpis, "pointsRedeemed")).toBe(50);
    expect(await figure(loyaltyKpis, "pointsExpired")).toBe(5);
  });

  it("liability now and points expiring in 30/60/90 days", async () => {
    expect(await figure(loyaltyKpis, "pointsLiability")).toBe(110);
    expect(await figure(loyaltyKpis, "pointsExpiring30")).toBe(70);
    expect(await figure(loyaltyKpis, "pointsExpiring60")).toBe(100);
    expect(await figure(loyaltyKpis, "pointsExpiring90")).toBe(110);
    expect(await figure(loyaltyKpis, "pointsLiability", { branchIds: [s2] })).toBe(10);
  });

  it("voucher redemption rate leaves cancelled vouchers out", async () => {
    expect(await figure(loyaltyKpis, "voucherRedemptionRate")).toBe(50);
  });
});
