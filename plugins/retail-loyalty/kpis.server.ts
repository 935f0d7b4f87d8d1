// retail-loyalty's KPIs, read from the ledger and the lots only (the earning code is not touched).
// Members have no branch of their own: an entry counts for its member's branch, on the local day it
// happened in that branch's zone.
import { sql } from "drizzle-orm";
import { defineKpi, type KpiQuery } from "../../app/plugin-api/index.ts";
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
  });
}

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
      where: sql`o.remaining > 0 and o.expires_at > ${q.now.toISOString()}::timestamptz and o.earned_at <= ${q.now.toISOString()}::timestamptz and ${inBranchesSql(sql`c.branch_id`, q)}`,
      numerator: sql`coalesce(sum(o.remaining), 0)`,
      dimensions: byBranch,
    }),
});

function pointsExpiring(days: 30 | 60 | 90) {
  const id = `pointsExpiring${days}`;
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
        where: sql`o.remaining > 0 and o.expires_at > ${q.now.toISOString()}::timestamptz
          and o.expires_at <= ${q.now.toISOString()}::timestamptz + make_interval(days => ${days}) and ${inBranchesSql(sql`c.branch_id`, q)}`,
        numerator: sql`coalesce(sum(o.remaining), 0)`,
        dimensions: byBranch,
      }),
  });
}

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
      from: sql`retail_loyalty_vouchers v join contacts c on c.id = v.contact_id`,
      where: sql`v.status <> 'cancelled' and ${inRangeSql(sql`v.issued_at`, sql`c.branch_id`, q)}`,
      numerator: sql`count(*) filter (where v.status = 'used')`,
      denominator: sql`count(*)`,
      dimensions: byBranch,
    }),
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
