// hospital-referrals' KPIs. A referral counts in the period of the local day it was sent (in the zone
// of its branch); drafts are never counted.
import { sql, type SQL } from "drizzle-orm";
import { defineKpi, rowsOf, type KpiDefinition, type KpiQuery } from "../../app/plugin-api/index.ts";
import { aggregate, branchDimension, dailyBy, inRangeSql } from "../../app/plugin-api/server.ts";

const strings = (id: string, withDenominator: boolean) => ({
  name: `kpis.${id}.name`,
  definition: `kpis.${id}.definition`,
  numerator: `kpis.${id}.numerator`,
  ...(withDenominator ? { denominator: `kpis.${id}.denominator` } : {}),
});

const from = sql`hospital_referrals_referrals r join partner_organisations po on po.id = r.partner_org_id`;
const sent = (q: Pick<KpiQuery, "range" | "branchIds">) => sql`r.sent_at is not null and ${inRangeSql(sql`r.sent_at`, sql`r.branch_id`, q)}`;
const dimensions = { branch: branchDimension(sql`r.branch_id`), partner: { key: sql`po.id`, label: sql`po.name` } };
const accepted = sql.raw(`r.status in ('accepted','scheduled','completed','back_referred')`);
const visited = sql.raw(`r.status in ('completed','back_referred')`);
const permission = "hospital-referrals.referral.read";
// counts and rates are read from daily rollups (ADR 021); medians and p90 stay live SQL
const daily = dailyBy(sql`r.sent_at`, sql`r.branch_id`);
const rollup = { sources: [{ table: "hospital_referrals_referrals", days: ["sent_at"] }] };

function referralRecords(where: (q: KpiQuery) => SQL): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ id: string; number: string; partner: string; sent_at: Date; status: string }>(
      await db.execute(sql`select r.id, r.number, po.name as partner, r.sent_at, r.status from ${from} where ${where(q)} order by r.sent_at desc limit ${q.limit}`),
    ).map((r) => ({ label: `${r.number} · ${r.partner}`, href: `/staff/referrals/${r.id}`, at: new Date(r.sent_at), detail: r.status }));
}

function countOf(id: string, direction: "incoming" | "outgoing") {
  return defineKpi({
    id,
    ...strings(id, false),
    unit: "count",
    permission,
    dimensions: ["branch", "partner"],
    better: "up",
    rollup,
    compute: (q, { db }) => aggregate(db, q, { from, where: sql`r.direction = ${direction} and ${sent(q)}`, numerator: sql`count(*)`, dimensions, daily }),
    records: referralRecords((q) => sql`r.direction = ${direction} and ${sent(q)}`),
  });
}

/** Incoming referrals accepted (or further) over those decided (accepted or rejected). */
const acceptanceRate = defineKpi({
  id: "acceptanceRate",
  ...strings("acceptanceRate", true),
  unit: "percent",
  permission,
  dimensions: ["branch", "partner"],
  better: "up",
  rollup,
  compute: (q, { db }) =>
    aggregate(db, q, {
      daily,
      from,
      where: sql`r.direction = 'incoming' and (${accepted} or r.status = 'rejected') and ${sent(q)}`,
      numerator: sql`count(*) filter (where ${accepted})`,
      denominator: sql`count(*)`,
      dimensions,
    }),
  records: referralRecords((q) => sql`r.direction = 'incoming' and r.status = 'rejected' and ${sent(q)}`),
});

const hours = sql.raw(`extract(epoch from (r.decided_at - r.sent_at)) / 3600.0`);
const days = sql.raw(`extract(epoch from (r.scheduled_for - r.sent_at)) / 86400.0`);

const acceptedIn = (q: KpiQuery) => sql`r.direction = 'incoming' and ${accepted} and r.decided_at is not null and ${sent(q)}`;

/** Median hours from an incoming referral being sent to our acceptance. */
const hoursToAccept = defineKpi({
  id: "hoursToAccept",
  ...strings("hoursToAccept", false),
  unit: "hours",
  permission,
  dimensions: ["branch", "partner"],
  better: "down",
  compute: (q, { db }) =>
    aggregate(db, q, {
      from,
      where: acceptedIn(q),
      numerator: sql`count(*)`,
      value: sql`percentile_cont(0.5) within group (order by ${hours})`,
      dimensions,
    }),
  // the referrals the median is taken over
  records: referralRecords(acceptedIn),
});

function daysToVisit(id: string, percentile: number) {
  return defineKpi({
    id,
    ...strings(id, false),
    unit: "days",
    permission,
    dimensions: ["branch", "partner"],
    better: "down",
    compute: (q, { db }) =>
      aggregate(db, q, {
        from,
        where: sql`r.direction = 'incoming' and ${visited} and r.scheduled_for is not null and ${sent(q)}`,
        numerator: sql`count(*)`,
        value: sql`percentile_cont(${percentile}::float8) within group (order by ${days})`,
        dimensions,
      }),
    records: referralRecords((q) => sql`r.direction = 'incoming' and ${visited} and r.scheduled_for is not null and ${sent(q)}`),
  });
}

/** Incoming referrals whose patient was sent back with a summary, over those whose visit took place. */
const backReferralRate = defineKpi({
  id: "backReferralRate",
  ...strings("backReferralRate", true),
  unit: "percent",
  permission,
  dimensions: ["branch", "partner"],
  better: "up",
  rollup,
  compute: (q, { db }) =>
    aggregate(db, q, {
      daily,
      from,
      where: sql`r.direction = 'incoming' and ${visited} and ${sent(q)}`,
      numerator: sql`count(*) filter (where r.status = 'back_referred')`,
      denominator: sql`count(*)`,
      dimensions,
    }),
  // the visits not yet sent back with a summary (the denominator less the numerator)
  records: referralRecords((q) => sql`r.direction = 'incoming' and ${visited} and r.status <> 'back_referred' and ${sent(q)}`),
});

export const referralKpis = [
  countOf("referralsIn", "incoming"),
  countOf("referralsOut", "outgoing"),
  acceptanceRate,
  hoursToAccept,
  daysToVisit("daysToFirstVisit", 0.5),
  daysToVisit("daysToFirstVisitP90", 0.9),
  backReferralRate,
];
