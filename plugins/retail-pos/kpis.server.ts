// retail-pos' KPIs. A sale or refund counts on the local day it happened in its store's zone; every
// store is a branch, so the branch filter and the "store" dimension are the same column.
import { sql, type SQL } from "drizzle-orm";
import { defineKpi, rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { aggregate, branchDimension, dailyBy, distinctAggregate, inRangeSql } from "../../app/plugin-api/server.ts";

const strings = (id: string, withDenominator: boolean) => ({
  name: `kpis.${id}.name`,
  definition: `kpis.${id}.definition`,
  numerator: `kpis.${id}.numerator`,
  ...(withDenominator ? { denominator: `kpis.${id}.denominator` } : {}),
});

const permission = "retail-pos.report.read";
const inPeriod = (q: Pick<KpiQuery, "range" | "branchIds">) => inRangeSql(sql`x.occurred_at`, sql`x.branch_id`, q);
const store = branchDimension(sql`x.branch_id`);
// dashboards read these from daily rollups (ADR 021); a sale's lines are written with the sale
const daily = dailyBy(sql`x.occurred_at`, sql`x.branch_id`);
const rollup = { sources: [{ table: "retail_pos_sales", days: ["occurred_at"] }] };
const storeDims = { store, branch: store, weekday: { key: sql`extract(isodow from (x.occurred_at at time zone coalesce((select b.time_zone from branches b where b.id = x.branch_id), 'Asia/Jakarta')))::int::text` } };

const saleInPeriod = (q: Pick<KpiQuery, "range" | "branchIds">) => sql`x.kind = 'sale' and ${inPeriod(q)}`;
const saleHref = (contactId: string | null) => (contactId ? `/staff/contacts/${contactId}` : `/staff/pos/reports`);

/** Receipts (sales) of the period matching `where`, newest first; the detail is the total, or with `items` the items rung up. */
function saleRecords(where: (q: KpiQuery) => SQL, show: "total" | "items" = "total"): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ receipt_no: string; total_idr: number; items: number; occurred_at: Date; contact_id: string | null }>(
      await db.execute(sql`select x.receipt_no, x.total_idr, x.occurred_at, x.contact_id,
        ${show === "items" ? sql`(select coalesce(sum(l.quantity), 0) from retail_pos_sale_lines l where l.sale_id = x.id)` : sql`null`} as items
        from retail_pos_sales x where ${where(q)} order by x.occurred_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.receipt_no, href: saleHref(r.contact_id), at: new Date(r.occurred_at), detail: String(show === "items" ? Number(r.items) : r.total_idr) }));
}
const receiptRecords = saleRecords(saleInPeriod);

/** Net sales: sales minus refunds, in Rupiah, on the day each happened. */
const netSales = defineKpi({
  id: "netSales",
  ...strings("netSales", false),
  unit: "rupiah",
  permission,
  dimensions: ["store", "branch", "weekday"],
  better: "up",
  rollup,
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`retail_pos_sales x`,
      where: inPeriod(q),
      // a total, not an average: without a denominator the value is the numerator itself
      numerator: sql`coalesce(sum(case when x.kind = 'sale' then x.total_idr else -x.total_idr end), 0)`,
      dimensions: storeDims,
      daily,
    }),
  records: receiptRecords,
});

const receipts = defineKpi({
  id: "receipts",
  ...strings("receipts", false),
  unit: "count",
  permission,
  dimensions: ["store", "branch", "weekday"],
  better: "up",
  rollup,
  compute: (q, { db }) => aggregate(db, q, { from: sql`retail_pos_sales x`, where: saleInPeriod(q), numerator: sql`count(*)`, dimensions: storeDims, daily }),
  records: receiptRecords,
});

/** Average basket: sales Rupiah over receipts (refunds are not subtracted: a basket is what was rung up). */
const basketRupiah = defineKpi({
  id: "basketRupiah",
  ...strings("basketRupiah", true),
  unit: "rupiah",
  permission,
  dimensions: ["store", "branch"],
  better: "up",
  rollup,
  compute: (q, { db }) =>
    aggregate(db, q, { from: sql`retail_pos_sales x`, where: saleInPeriod(q), numerator: sql`coalesce(sum(x.total_idr), 0)`, denominator: sql`count(*)`, dimensions: storeDims, daily }),
  // the receipts averaged over, each with its total
  records: receiptRecords,
});

const basketItems = defineKpi({
  id: "basketItems",
  ...strings("basketItems", true),
  unit: "count",
  permission,
  dimensions: ["store", "branch"],
  better: "up",
  rollup,
  // a count with a denominator: its value is the ratio (items per receipt)
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`retail_pos_sales x left join lateral (select coalesce(sum(l.quantity), 0) as items from retail_pos_sale_lines l where l.sale_id = x.id) li on true`,
      where: saleInPeriod(q),
      numerator: sql`coalesce(sum(li.items), 0)`,
      denominator: sql`count(*)`,
      dimensions: storeDims,
      daily,
    }),
  // the receipts averaged over, each with its items
  records: saleRecords(saleInPeriod, "items"),
});

/** Members' share: Rupiah of sales to known contacts (members) over all sales Rupiah. */
const membersShare = defineKpi({
  id: "membersShare",
  ...strings("membersShare", true),
  unit: "percent",
  permission,
  dimensions: ["store", "branch"],
  better: "up",
  rollup,
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`retail_pos_sales x`,
      where: saleInPeriod(q),
      numerator: sql`coalesce(sum(x.total_idr) filter (where x.contact_id is not null), 0)`,
      denominator: sql`coalesce(sum(x.total_idr), 0)`,
      dimensions: storeDims,
      daily,
    }),
  // the members' receipts (the numerator), each opening its member; walk-ins have no page to open
  records: saleRecords((q) => sql`${saleInPeriod(q)} and x.contact_id is not null`),
});

// Members' receipts, counted per member: distinct counts, rolled up by each member's previous
// purchase days (ADR 028). A member's receipts count per store when split by store or branch.
const memberSales = {
  from: sql`retail_pos_sales x`,
  where: sql`x.kind = 'sale' and x.contact_id is not null`,
  entity: sql`x.contact_id`,
  at: sql`x.occurred_at`,
  branch: sql`x.branch_id`,
  dimensions: { store, branch: store },
};
const distinctRollup = { ...rollup, distinct: true };

/** The members with at least `atLeast` receipts in the period (as distinctAggregate counts them), by their latest purchase there; the detail is their receipts. */
function memberRecords(atLeast: number): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; at: Date; receipts: number }>(
      await db.execute(sql`select x.contact_id, c.full_name, max(x.occurred_at) as at, count(*)::int as receipts
        from ${memberSales.from} join contacts c on c.id = x.contact_id
        where ${memberSales.where} and ${inRangeSql(memberSales.at, memberSales.branch, q)}
        group by x.contact_id, c.full_name having count(*) >= ${atLeast} order by at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.contact_id}`, at: new Date(r.at), detail: String(r.receipts) }));
}

/** Repeat-purchase rate: members with two or more receipts in the period over members with any. */
const repeatRate = defineKpi({
  id: "repeatRate",
  ...strings("repeatRate", true),
  unit: "percent",
  permission,
  dimensions: ["store", "branch"],
  better: "up",
  rollup: distinctRollup,
  compute: (q, { db }) => distinctAggregate(db, q, { ...memberSales, numerator: { atLeast: 2 }, denominator: { atLeast: 1 } }),
  // the members who came back (the numerator)
  records: memberRecords(2),
});

/** Purchase frequency: members' receipts over distinct members who bought. */
const purchaseFrequency = defineKpi({
  id: "purchaseFrequency",
  ...strings("purchaseFrequency", true),
  unit: "count",
  permission,
  dimensions: ["store", "branch"],
  better: "up",
  rollup: distinctRollup,
  compute: async (q, { db }) =>
    (await distinctAggregate(db, q, { ...memberSales, numerator: "records", denominator: { atLeast: 1 } })).map((r) => ({
      ...r,
      value: r.denominator ? r.numerator / r.denominator : null,
    })),
  // the members who bought (the denominator), each with their receipts (what the numerator adds up)
  records: memberRecords(1),
});

/** Sales lines: Rupiah of lines sold (after line discounts, before refunds), by store, category, product or supplier. */
const lineSales = defineKpi({
  id: "lineSales",
  ...strings("lineSales", false),
  unit: "rupiah",
  permission,
  dimensions: ["store", "branch", "category", "product", "supplier"],
  better: "up",
  rollup,
  compute: async (q, { db }) =>
    (
      await aggregate(db, q, {
        daily,
        from: sql`retail_pos_sale_lines l join retail_pos_sales x on x.id = l.sale_id left join partner_organisations so on so.id = l.supplier_org_id`,
        where: saleInPeriod(q),
        numerator: sql`coalesce(sum(l.amount_idr), 0)`,
        dimensions: {
          store,
          branch: store,
          category: { key: sql`l.category` },
          product: { key: sql`l.sku`, label: sql`min(l.name)`, aggregatedLabel: true },
          supplier: { key: sql`coalesce(l.supplier_org_id::text, '-')`, label: sql`min(so.name)`, aggregatedLabel: true },
        },
      })
    ).map((r) => ({ ...r, value: r.numerator })),
  // the lines summed, newest receipt first (its lines in order), each with its amount
  records: async (q, { db }) =>
    rowsOf<{ receipt_no: string; name: string; amount_idr: number; occurred_at: Date; contact_id: string | null }>(
      await db.execute(sql`select x.receipt_no, l.name, l.amount_idr, x.occurred_at, x.contact_id from retail_pos_sale_lines l join retail_pos_sales x on x.id = l.sale_id
        where ${saleInPeriod(q)} order by x.occurred_at desc, x.id, l.line_no limit ${q.limit}`),
    ).map((r) => ({ label: `${r.receipt_no} · ${r.name}`, href: saleHref(r.contact_id), at: new Date(r.occurred_at), detail: String(r.amount_idr) })),
});

export const posKpis = [netSales, receipts, basketRupiah, basketItems, membersShare, repeatRate, purchaseFrequency, lineSales];
