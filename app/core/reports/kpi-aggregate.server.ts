// One SQL shape most KPIs share: count (or sum) a numerator and a denominator over some rows,
// as a total or grouped by one dimension's key and label.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import type { KpiDimension, KpiQuery, KpiRow } from "../plugins/contract.ts";
import { localDaySql } from "./kpi-sql.server.ts";

export interface DimensionSql {
  key: SQL;
  /** The name shown for the key, e.g. a subquery on the branch, or an aggregate such as min(name). */
  label?: SQL;
  /** The label is an aggregate (min(name)): group by the key alone. */
  aggregatedLabel?: boolean;
}

export interface AggregateSpec {
  /** `from … join …` and `where …` without the keywords. */
  from: SQL;
  where: SQL;
  numerator: SQL;
  denominator?: SQL;
  /** A direct value (e.g. a median) instead of numerator / denominator. */
  value?: SQL;
  dimensions: Partial<Record<KpiDimension, DimensionSql>>;
  /** The record's local day and branch: lets the rollup refresher ask for one row per day × branch (ADR 021). */
  daily?: DailySql;
}

export interface DailySql {
  day: SQL;
  branch: SQL;
}

/** A record counted at instant `at` for branch `branchId`: its day is the local day in that branch's zone. */
export function dailyBy(at: SQL, branchId: SQL): DailySql {
  return { day: localDaySql(at, branchId), branch: branchId };
}

/**
 * Runs the aggregate for the query's dimension (or the total); an unknown dimension gives no rows.
 * With `query.daily` (the rollup refresher) the rows are also split by local day and branch.
 */
export async function aggregate(db: Database, query: Pick<KpiQuery, "dimension" | "daily">, spec: AggregateSpec): Promise<KpiRow[]> {
  const dimension = query.dimension ? spec.dimensions[query.dimension] : null;
  if (query.dimension && !dimension) return [];
  if (query.daily) return aggregateDaily(db, dimension ?? null, spec);
  const measures = sql`(${spec.numerator})::float8 as numerator,
    ${spec.denominator ? sql`(${spec.denominator})::float8` : sql`null::float8`} as denominator,
    ${spec.value ? sql`(${spec.value})::float8` : sql`null::float8`} as value`;
  type Raw = { key: string | null; label: string | null; numerator: number | null; denominator: number | null; value: number | null };
  const result = dimension
    ? await db.execute(sql`select (${dimension.key})::text as key, ${dimension.label ? sql`(${dimension.label})::text` : sql`null::text`} as label, ${measures}
        from ${spec.from} where ${spec.where} group by ${dimension.aggregatedLabel ? sql`1` : sql`1, 2`} order by 1`)
    : await db.execute(sql`select null::text as key, null::text as label, ${measures} from ${spec.from} where ${spec.where}`);
  return rowsOf<Raw>(result).map((r) => ({
    key: r.key,
    ...(r.label != null ? { label: r.label } : {}),
    numerator: Number(r.numerator ?? 0),
    denominator: spec.denominator ? Number(r.denominator ?? 0) : null,
    ...(spec.value ? { value: r.value == null ? null : Number(r.value) } : {}),
  }));
}

async function aggregateDaily(db: Database, dimension: DimensionSql | null, spec: AggregateSpec): Promise<KpiRow[]> {
  if (!spec.daily) throw new Error("this KPI declares a rollup but its aggregate has no `daily` (day and branch) expressions");
  if (spec.value) throw new Error("a KPI with a direct value (median, percentile) cannot be rolled up by day");
  type Raw = { day: string; branch_key: string; key: string | null; label: string | null; numerator: number | null; denominator: number | null };
  const key = dimension ? sql`(${dimension.key})::text` : sql`null::text`;
  const label = dimension?.label ? sql`(${dimension.label})::text` : sql`null::text`;
  const groupBy = dimension ? (dimension.aggregatedLabel ? sql`1, 2, 3` : sql`1, 2, 3, 4`) : sql`1, 2`;
  const result = await db.execute(sql`select (${spec.daily.day})::text as day, coalesce((${spec.daily.branch})::text, '-') as branch_key, ${key} as key, ${label} as label,
      (${spec.numerator})::float8 as numerator, ${spec.denominator ? sql`(${spec.denominator})::float8` : sql`null::float8`} as denominator
    from ${spec.from} where ${spec.where} group by ${groupBy}`);
  return rowsOf<Raw>(result).map((r) => ({
    key: r.key,
    ...(r.label != null ? { label: r.label } : {}),
    numerator: Number(r.numerator ?? 0),
    denominator: spec.denominator ? Number(r.denominator ?? 0) : null,
    day: r.day,
    branchKey: r.branch_key,
  }));
}

/** The branch dimension for rows whose branch is `branchId`. */
export function branchDimension(branchId: SQL): DimensionSql {
  return { key: sql`coalesce(${branchId}::text, '-')`, label: sql`(select bn.name from branches bn where bn.id = ${branchId})` };
}
