// retail-loyalty's KPIs, read from the ledger and the lots only (the earning code is not touched).
// Members have no branch of their own: an entry counts for its member's branch, on the local day it
// happened in that branch's zone.
import { sql, type SQL } from "drizzle-orm";
import { defineKpi, rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { aggregate, branchDimension, dailyBy, inBranchesSql, inRangeSql } from "../../app/plugin-api/server.ts";

const strings = (id: string, withDenominator: boolean) => ({
  name: `kpis.${id}.name`,
  definition: `kpis.${id}.definition`,
  numerator: `kpis.${id}.numerator`,
  ...(withDenominator ? { denominator: `kpis.${id}.denominator` } : {}),
});

const permission = "retail-loyalty.program.read";
const ledger = sql`retail_loyalty_ledger e join contacts c on c.id = e.contact_id`;
const inPeriod = (q: Pick<KpiQuery, "range" | "branchIds">) => inRangeSql(sql`e.occurred_at`, sql`c.branch_id`, q);
const byBranch = { branch: branchDimension(sql`c.branch_id`) };
// read from daily rollups (ADR 021); a member moving branch moves their entries: a full rebuild
const contactsSource = { table: "contacts", days: ["*branch_id"] };
// each record opens the member on the programme page (balance, history, lots expiring, vouchers)
const memberHref = (contactId: string) => `/staff/loyalty?contact=${contactId}`;

/** Lots matching `where` (joined as `o` with their member `c`), each with the points left; `at` is when they were earned or expire. */
function lotRecords(where: (q: KpiQuery) => SQL, at: "earned_at" | "expires_at", order: "asc" | "desc"): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; at: Date; remaining: number }>(
      await db.execute(sql`select o.contact_id, c.full_name, ${sql.raw(`o.${at}`)} as at, o.remaining from retail_loyalty_lots o join contacts c on c.id = o.contact_id
        where ${where(q)} order by ${sql.raw(`o.${at} ${order}, o.id ${order}`)} limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: memberHref(r.contact_id), at: new Date(r.at), detail: String(r.remaining) }));
}

function ledgerSum(id: string, condition: ReturnType<typeof sql>, sign: 1 | -1, better: "up" | "down") {
  return defineKpi({
    id,
    ...strings(id, false),
    unit: "count",
    permission,
    dimensions: ["branch"],
    better,
    rollup: { sources: [{ table: "retail_loyalty_ledger", days: ["occurred_at"] }, contactsSource] },
    compute: (q, { db }) =>
      aggregate(db, q, {
        from: ledger,
        where: sql`${condition} and ${inPeriod(q)}`,
        numerator: sql`coalesce(sum(e.points), 0) * ${sign}`,
        dimensions: byBranch,
        daily: dailyBy(sql`e.occurred_at`, sql`c.branch_id`),
      }),
    // the entries summed, newest first, each with its points as the figure counts them and its kind
    records: async (q, { db }) =>
      rowsOf<{ contact_id: string; full_name: string; kind: string; points: number; occurred_at: Date }>(
        await db.execute(sql`select e.contact_id, c.full_name, e.kind, e.points, e.occurred_at from ${ledger}
          where ${condition} and ${inPeriod(q)} order by e.occurred_at desc, e.id desc limit ${q.limit}`),
      ).map((r) => ({ label: r.full_name, href: memberHref(r.contact_id), at: new Date(r.occurred_at), detail: `${Number(r.points) * sign} · ${r.kind}` })),
  });
}

const owedLots = (q: KpiQuery) =>
  sql`o.remaining > 0 and o.expires_at > ${q.now.toISOString()}::timestamptz and o.earned_at <= ${q.now.toISOString()}::timestamptz and ${inBranchesSql(sql`c.branch_id`, q)}`;
const lotsExpiringWithin = (days: number) => (q: KpiQuery) =>
  sql`o.remaining > 0 and o.expires_at > ${q.now.toISOString()}::timestamptz
    and o.expires_at <= ${q.now.toISOString()}::timestamptz + make_interval(days => ${days}) and ${inBranchesSql(sql`c.branch_id`, q)}`;

/** Points outstanding now: what is left in lots that have not expired (the programme owes these). */
const pointsLiability = defineKpi({
  id: "pointsLiability",
  ...strings("pointsLiability", false),
  unit: "count",
  permission,
  dimensions: ["branch"],
  better: "down",
  snapshot: true,
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`retail_loyalty_lots o join contacts c on c.id = o.contact_id`,
      where: owedLots(q),
      numerator: sql`coalesce(sum(o.remaining), 0)`,
      dimensions: byBranch,
    }),
  // the lots still owed, latest earned first
  records: lotRecords(owedLots, "earned_at", "desc"),
});

function pointsExpiring(days: 30 | 60 | 90) {
  const id = `pointsExpiring${days}`;
  const expiring = lotsExpiringWithin(days);
  return defineKpi({
    id,
    ...strings(id, false),
    unit: "count",
    permission,
    dimensions: ["branch"],
    better: "down",
    snapshot: true,
    compute: (q, { db }) =>
      aggregate(db, q, {
        from: sql`retail_loyalty_lots o join contacts c on c.id = o.contact_id`,
        where: expiring(q),
        numerator: sql`coalesce(sum(o.remaining), 0)`,
        dimensions: byBranch,
      }),
    // the lots about to expire, the soonest first (a deadline list, like overdue tasks): whom to remind
    records: lotRecords(expiring, "expires_at", "asc"),
  });
}

const vouchersFrom = sql`retail_loyalty_vouchers v join contacts c on c.id = v.contact_id`;
const vouchersIssued = (q: KpiQuery) => inRangeSql(sql`v.issued_at`, sql`c.branch_id`, q);

/** Vouchers issued in the period that were used, over vouchers issued in the period. */
const voucherRedemptionRate = defineKpi({
  id: "voucherRedemptionRate",
  ...strings("voucherRedemptionRate", true),
  unit: "percent",
  permission,
  dimensions: ["branch"],
  better: "up",
  rollup: { sources: [{ table: "retail_loyalty_vouchers", days: ["issued_at"] }, contactsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      daily: dailyBy(sql`v.issued_at`, sql`c.branch_id`),
      from: vouchersFrom,
      where: sql`v.status <> 'cancelled' and ${vouchersIssued(q)}`,
      numerator: sql`count(*) filter (where v.status = 'used')`,
      denominator: sql`count(*)`,
      dimensions: byBranch,
    }),
  // the vouchers issued in the period and not used (the denominator less the numerator), newest first;
  // their codes stay out (a code is what the till accepts), the value shows
  records: async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; issued_at: Date; value_idr: number }>(
      await db.execute(sql`select v.contact_id, c.full_name, v.issued_at, v.value_idr from ${vouchersFrom}
        where v.status = 'issued' and ${vouchersIssued(q)} order by v.issued_at desc, v.id desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: memberHref(r.contact_id), at: new Date(r.issued_at), detail: String(r.value_idr) })),
});

export const loyaltyKpis = [
  // issued: earned on purchases plus points staff granted (positive adjustments)
  ledgerSum("pointsIssued", sql`(e.kind = 'earn' or (e.kind = 'adjust' and e.points > 0))`, 1, "up"),
  ledgerSum("pointsRedeemed", sql`e.kind = 'redeem'`, -1, "up"),
  ledgerSum("pointsExpired", sql`e.kind = 'expire'`, -1, "down"),
  pointsLiability,
  pointsExpiring(30),
  pointsExpiring(60),
  pointsExpiring(90),
  voucherRedemptionRate,
];
