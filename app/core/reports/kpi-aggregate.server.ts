// One SQL shape most KPIs share: count (or sum) a numerator and a denominator over some rows,
// as a total or grouped by one dimension's key and label.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import type { KpiDimension, KpiQuery, KpiRow } from "../plugins/contract.ts";
import { startOfLocalDay } from "../time/local-time.ts";
import { inRangeSql, localDaySql } from "./kpi-sql.server.ts";

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

/** What a distinct measure counts in the range: the entities with at least `atLeast` records there, or the records themselves. */
export type DistinctMeasure = { atLeast: number } | "records";

/**
 * A distinct count (ADR 028): records of `from`/`where` that fall on a local day of the range, and
 * measures over how many of them each `entity` (a contact) has there. Dimensions need a key per
 * record (no aggregated labels). Live it is one grouped query; for the rollup refresher
 * (`query.distinctDays`) it gives, per local day and previous active day of the entity, what the
 * day's records add: an entity counts in [from, to] on its first day there, the one whose previous
 * active day is before `from`; "at least n" uses the n-th previous record's day the same way.
 */
export interface DistinctSpec {
  /** `from … join …` and the conditions other than the range, without the keywords. */
  from: SQL;
  where: SQL;
  /** Whom the measure counts once, e.g. `i.contact_id`. */
  entity: SQL;
  /** The record's instant and branch: its day is the local day in that branch's zone (inRangeSql). */
  at: SQL;
  branch: SQL;
  numerator: DistinctMeasure;
  denominator?: DistinctMeasure;
  dimensions: Partial<Record<KpiDimension, DimensionSql>>;
}

function measureSql(measure: DistinctMeasure): SQL {
  return measure === "records" ? sql`coalesce(sum(d.n), 0)` : sql`count(*) filter (where d.n >= ${measure.atLeast})`;
}

/**
 * A measure as a sum over lag levels: level 0 is every record, level k ≥ 1 the records whose k-th
 * previous record (of the same entity) is on a day before the range. Summed over the range, level k
 * counts min(records, k) per entity, so "at least n" = level n − level n−1.
 */
function measureLevels(measure: DistinctMeasure): Map<number, number> {
  if (measure === "records") return new Map([[0, 1]]);
  const n = measure.atLeast;
  if (!Number.isInteger(n) || n < 1) throw new Error(`atLeast must be a whole number ≥ 1, not ${n}`);
  return n === 1 ? new Map([[1, 1]]) : new Map([[n, 1], [n - 1, -1]]);
}

export async function distinctAggregate(db: Database, query: Pick<KpiQuery, "dimension" | "distinctDays" | "range" | "branchIds">, spec: DistinctSpec): Promise<KpiRow[]> {
  const dimension = query.dimension ? spec.dimensions[query.dimension] : null;
  if (query.dimension && !dimension) return [];
  if (dimension?.aggregatedLabel) throw new Error("a distinct count's dimension needs a label per record");
  if (query.distinctDays) return distinctDaily(db, dimension ?? null, query.range.from, query.distinctDays.perBranch, spec);
  const measures = sql`(${measureSql(spec.numerator)})::float8 as numerator, ${spec.denominator ? sql`(${measureSql(spec.denominator)})::float8` : sql`null::float8`} as denominator`;
  const key = dimension ? sql`(${dimension.key})::text` : sql`null::text`;
  const label = dimension?.label ? sql`(${dimension.label})::text` : sql`null::text`;
  type Raw = { key: string | null; label: string | null; numerator: number | null; denominator: number | null };
  // one row per entity (and dimension value) with its number of records in the range
  const perEntity = sql`select ${spec.entity} as e, ${key} as key, ${label} as label, count(*) as n
    from ${spec.from} where ${spec.where} and ${inRangeSql(spec.at, spec.branch, query)} group by 1, 2, 3`;
  const result = dimension
    ? await db.execute(sql`select d.key, d.label, ${measures} from (${perEntity}) d group by 1, 2 order by 1`)
    : await db.execute(sql`select null::text as key, null::text as label, ${measures} from (${perEntity}) d`);
  return rowsOf<Raw>(result).map((r) => ({
    key: r.key,
    ...(r.label != null ? { label: r.label } : {}),
    numerator: Number(r.numerator ?? 0),
    denominator: spec.denominator ? Number(r.denominator ?? 0) : null,
  }));
}

// the first day any record can have: from here on, every entity's whole history is read
const firstDay = "1970-01-01";

async function distinctDaily(db: Database, dimension: DimensionSql | null, from: string, perBranch: boolean, spec: DistinctSpec): Promise<KpiRow[]> {
  const numerator = measureLevels(spec.numerator);
  const denominator = spec.denominator ? measureLevels(spec.denominator) : new Map<number, number>();
  const levels = [...new Set([...numerator.keys(), ...denominator.keys()])].sort((a, b) => a - b);
  const day = localDaySql(spec.at, spec.branch);
  const scope = perBranch ? sql`coalesce((${spec.branch})::text, '-')` : sql`'*'::text`;
  const key = dimension ? sql`(${dimension.key})::text` : sql`''::text`;
  const label = dimension?.label ? sql`(${dimension.label})::text` : sql`null::text`;
  // only the entities with a record on a day from `from` on; their whole history gives the previous days
  const since = startOfLocalDay(from, "Asia/Jayapura").toISOString();
  const recent =
    from > firstDay ? sql`and (${spec.entity}) in (select ${spec.entity} from ${spec.from} where ${spec.where} and ${spec.at} >= ${since}::timestamptz)` : sql``;
  const lags = sql.join(
    levels.map((k) => (k === 0 ? sql`'-infinity'::date as p0` : sql`coalesce(lag(r.day, ${sql.raw(String(k))}) over w, '-infinity'::date) as ${sql.raw(`p${k}`)}`)),
    sql`, `,
  );
  const values = sql.join(
    levels.map((k) => sql`(${sql.raw(`l.p${k}`)}, ${numerator.get(k) ?? 0}::float8, ${denominator.get(k) ?? 0}::float8)`),
    sql`, `,
  );
  type Raw = { day: string; prev_day: string; scope: string; key: string; label: string | null; numerator: number; denominator: number };
  const result = await db.execute(sql`with r as (
      select (${spec.entity})::text as e, ${day} as day, ${scope} as scope, ${key} as key, ${label} as label
      from ${spec.from} where ${spec.where} ${recent}
    ), l as (
      select r.day, r.scope, r.key, r.label, ${lags} from r window w as (partition by r.e, r.scope, r.key order by r.day)
    )
    select l.day::text as day, v.prev_day::text as prev_day, l.scope, l.key, min(l.label) as label, sum(v.n)::float8 as numerator, sum(v.m)::float8 as denominator
    from l cross join lateral (values ${values}) as v(prev_day, n, m)
    where l.day >= ${from}::date and v.prev_day < l.day
    group by 1, 2, 3, 4`);
  // a record whose previous day is its own day never counts (a range holding the day starts on or before it)
  return rowsOf<Raw>(result).map((r) => ({
    key: dimension ? r.key : null,
    ...(r.label != null ? { label: r.label } : {}),
    numerator: Number(r.numerator),
    denominator: spec.denominator ? Number(r.denominator) : null,
    day: r.day,
    branchKey: r.scope,
    prevDay: r.prev_day,
  }));
}
