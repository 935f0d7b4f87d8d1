// SQL pieces every KPI uses, so that "which day", "which branch" and the dimension buckets are read
// the same way everywhere: a record's day is the calendar day in the zone of the branch it belongs
// to (WIB when it has none), via app/core/time's zones stored on `branches.time_zone`.
import { sql, type SQL } from "drizzle-orm";
import { addDays, defaultTimeZone, startOfLocalDay } from "../time/local-time.ts";
import type { KpiQuery } from "../plugins/contract.ts";

/** The zone of the branch `branchId` (an SQL expression), WIB when null or unknown. */
export function branchZoneSql(branchId: SQL): SQL {
  return sql`coalesce((select kz.time_zone from branches kz where kz.id = ${branchId}), ${defaultTimeZone})`;
}

/** The local calendar date of instant `at` in the zone of branch `branchId`. */
export function localDaySql(at: SQL, branchId: SQL): SQL {
  return sql`(${at} at time zone ${branchZoneSql(branchId)})::date`;
}

/**
 * `at` falls on one of the range's local days (in its branch's zone) and the record belongs to one of
 * the query's branches. The instant bounds (widest over the three zones) only let an index narrow the scan.
 */
export function inRangeSql(at: SQL, branchId: SQL, query: Pick<KpiQuery, "range" | "branchIds">): SQL {
  const earliest = startOfLocalDay(query.range.from, "Asia/Jayapura").toISOString();
  const latest = startOfLocalDay(addDays(query.range.to, 1), "Asia/Jakarta").toISOString();
  return sql`(${at} >= ${earliest}::timestamptz and ${at} < ${latest}::timestamptz
    and ${localDaySql(at, branchId)} between ${query.range.from}::date and ${query.range.to}::date
    and ${inBranchesSql(branchId, query)})`;
}

/** The record belongs to one of the query's branches (always true when every branch is asked for). */
export function inBranchesSql(branchId: SQL, query: Pick<KpiQuery, "branchIds">): SQL {
  if (query.branchIds === null) return sql`true`;
  if (query.branchIds.length === 0) return sql`false`;
  return sql`${branchId} in (${sql.join(
    query.branchIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of `at` in its branch's zone, as text for a KpiRow key. */
export function localWeekdaySql(at: SQL, branchId: SQL): SQL {
  return sql`extract(isodow from (${at} at time zone ${branchZoneSql(branchId)}))::int::text`;
}

/** Hour of day (00–23) of `at` in its branch's zone, as text. */
export function localHourSql(at: SQL, branchId: SQL): SQL {
  return sql`to_char(${at} at time zone ${branchZoneSql(branchId)}, 'HH24')`;
}
