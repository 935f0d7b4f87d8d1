// Daily rollups behind the dashboards (ADR 021). The additive KPIs (sums and counts) are stored per
// KPI × dimension × local day × branch by a job that runs every minute and recomputes only the days
// that writes touched (statement triggers on the KPIs' source tables mark them in kpi_rollup_dirty);
// the present-state KPIs (backlog, liability …) are stored per branch at each run. Every figure is
// the KPI's own SQL grouped by day and branch, so a dashboard read from the rollups shows exactly the
// numbers the live SQL gives. Distinct counts (active contacts, members who bought) are kept as
// counts per day and previous active day in kpi_rollup_distinct (ADR 028); medians and percentiles
// are not additive: live SQL.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "../../../db/client.ts";
import type { KpiContext, KpiDefinition, KpiDimension, KpiQuery, KpiRow, Translate } from "../plugins/contract.ts";
import { daysBetween, defaultTimeZone, today, type DateRange } from "../time/local-time.ts";

/** The job that brings the rollups up to date, every minute (the freshness a dashboard shows). */
export const kpiRollupQueue = "core.kpi-rollups";
export const kpiRollupCron = "* * * * *";

/** A KPI with its full id (`core.…`, `<plugin>.…`). */
export type RollupKpi = KpiDefinition & { id: string };

/** What a request needs to know to read from the rollups: when they were brought up to date, and for which KPIs. */
export interface RollupView {
  asOf: Date;
  kpiIds: ReadonlySet<string>;
  /** The dimensions each KPI's rows were built with: one added since is read live until the rebuild. */
  dimensions: ReadonlyMap<string, ReadonlySet<string>>;
}

// the span a full rebuild asks for: every day a record can have
const everything: DateRange = { from: "1970-01-01", to: "2199-12-31" };
// every branch's zone lies between these: a branch changing its zone moves its records' days
const branchesSource = { table: "branches", days: ["*time_zone"] };

/** KPIs whose totals are read from the rollups: additive ones, distinct counts, and snapshots that split by branch. */
export function isRolledUp(kpi: Pick<KpiDefinition, "rollup" | "snapshot" | "dimensions">) {
  return kpi.snapshot ? kpi.dimensions.includes("branch") : Boolean(kpi.rollup);
}

interface Installed {
  kpis: string[];
  /** The distinct counts among them (kept in kpi_rollup_distinct). */
  distinct?: string[];
  /** Per KPI, the dimensions its rows hold; a KPI gaining one changes the signature, so the rollups are rebuilt. */
  dimensions?: Record<string, string[]>;
  tables: Record<string, string[]>;
}

function wanted(kpis: RollupKpi[]): Installed {
  const tables: Record<string, Set<string>> = {};
  for (const source of [branchesSource, ...kpis.flatMap((k) => (k.snapshot ? [] : (k.rollup?.sources ?? [])))]) {
    for (const column of source.days) (tables[source.table] ??= new Set()).add(column);
  }
  const rolledUp = kpis.filter(isRolledUp).sort((a, b) => a.id.localeCompare(b.id));
  return {
    kpis: rolledUp.map((k) => k.id),
    distinct: rolledUp.filter(isDistinct).map((k) => k.id),
    dimensions: Object.fromEntries(rolledUp.map((k) => [k.id, [...k.dimensions].sort()])),
    tables: Object.fromEntries(Object.keys(tables).sort().map((t) => [t, [...tables[t]].sort()])),
  };
}

/** A distinct count (ADR 028): rolled up by previous active day, not by summing days. */
export function isDistinct(kpi: Pick<KpiDefinition, "rollup" | "snapshot">) {
  return Boolean(kpi.rollup?.distinct) && !kpi.snapshot;
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a table or column name: ${name}`);
  return name;
};

/**
 * Installs the day-marking triggers for the KPIs' source tables when the set of KPIs or sources
 * changed (a plugin installed, a KPI added), and then asks for a full rebuild; until it is done the
 * dashboards read live SQL.
 */
async function ensureTriggers(db: Database, kpis: RollupKpi[]) {
  const want = wanted(kpis);
  const signature = JSON.stringify(want);
  const [state] = rowsOf<{ triggers: string | null }>(await db.execute(sql`select triggers from kpi_rollup_state where id = 1`));
  if (state?.triggers === signature) return;
  const before: Installed = state?.triggers ? JSON.parse(state.triggers) : { kpis: [], tables: {} };
  await db.transaction(async (tx) => {
    for (const table of Object.keys(before.tables).filter((t) => !want.tables[t])) {
      for (const op of ["ins", "upd", "del"]) await tx.execute(sql.raw(`drop trigger if exists kpi_rollup_touch_${op} on ${ident(table)}`));
    }
    for (const [table, columns] of Object.entries(want.tables)) {
      const args = columns.map((c) => `'${c.startsWith("*") ? `*${ident(c.slice(1))}` : ident(c)}'`).join(", ");
      const t = ident(table);
      await tx.execute(sql.raw(`create or replace trigger kpi_rollup_touch_ins after insert on ${t} referencing new table as kpi_new for each statement execute function kpi_rollup_touch(${args})`));
      await tx.execute(sql.raw(`create or replace trigger kpi_rollup_touch_upd after update on ${t} referencing old table as kpi_old new table as kpi_new for each statement execute function kpi_rollup_touch(${args})`));
      await tx.execute(sql.raw(`create or replace trigger kpi_rollup_touch_del after delete on ${t} referencing old table as kpi_old for each statement execute function kpi_rollup_touch(${args})`));
    }
    await tx.execute(sql`insert into kpi_rollup_dirty (day, xact) values ('-infinity', txid_current()) on conflict do nothing`);
    await tx.execute(sql`insert into kpi_rollup_state (id, as_of, triggers) values (1, null, ${signature})
      on conflict (id) do update set as_of = null, triggers = excluded.triggers`);
  });
}

/** Consecutive days grouped into ranges, so that each range is one grouped query per KPI and dimension. */
export function dayRuns(days: string[]): DateRange[] {
  const sorted = [...new Set(days)].sort();
  const runs: DateRange[] = [];
  for (const day of sorted) {
    const last = runs.at(-1);
    if (last && daysBetween(last.to, day) === 1) last.to = day;
    else runs.push({ from: day, to: day });
  }
  return runs;
}

function rollupDimensions(kpi: RollupKpi): ("" | KpiDimension)[] {
  // the branch split is the total's own branch_key
  return ["", ...kpi.dimensions.filter((d) => d !== "branch")];
}

// figures only: labels the rollups keep come from the data (names), never from translations
const refreshContext = (db: Database): KpiContext => ({ db, language: "id", t: ((key: string) => key) as Translate });

async function insertDays(db: Database, kpiId: string, dimension: string, rows: KpiRow[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const json = JSON.stringify(chunk.map((r) => ({ d: r.day, b: r.branchKey, k: r.key ?? "", l: r.label ?? null, n: r.numerator, m: r.denominator ?? null })));
    await db.execute(sql`insert into kpi_rollup_days (kpi_id, dimension, day, branch_key, key, label, numerator, denominator)
      select ${kpiId}, ${dimension}, (r->>'d')::date, r->>'b', r->>'k', r->>'l', (r->>'n')::float8, (r->>'m')::float8
      from jsonb_array_elements(${json}::jsonb) r`);
  }
}

interface ComputedDays {
  kpiId: string;
  dimension: string;
  range: DateRange;
  rows: KpiRow[];
}

async function computeDays(db: Database, kpi: RollupKpi, range: DateRange, now: Date): Promise<ComputedDays[]> {
  const out: ComputedDays[] = [];
  for (const dimension of rollupDimensions(kpi)) {
    const query: KpiQuery = { range, branchIds: null, dimension: dimension || null, now, daily: true };
    out.push({ kpiId: kpi.id, dimension, range, rows: await kpi.compute(query, refreshContext(db)) });
  }
  return out;
}

async function writeDays(tx: Database, computed: ComputedDays, full: boolean) {
  const { kpiId, dimension, range } = computed;
  await tx.execute(
    full
      ? sql`delete from kpi_rollup_days where kpi_id = ${kpiId} and dimension = ${dimension}`
      : sql`delete from kpi_rollup_days where kpi_id = ${kpiId} and dimension = ${dimension} and day between ${range.from}::date and ${range.to}::date`,
  );
  await insertDays(tx, kpiId, dimension, computed.rows);
}

type DistinctRow = KpiRow & { dimension: string };
interface ComputedDistinct {
  kpiId: string;
  rows: DistinctRow[];
}

/**
 * A distinct count's rows for the local days from `from` on: every dimension, with the previous
 * active day over every branch ('*') and within each branch. A write on day d changes the previous
 * day of each entity's next active day after d, however far on: so every day from the earliest
 * marked one on is recomputed (for the minute's writes, today), never only the marked days.
 */
async function computeDistinct(db: Database, kpi: RollupKpi, from: string, now: Date): Promise<ComputedDistinct> {
  const rows: DistinctRow[] = [];
  for (const dimension of rollupDimensions(kpi)) {
    for (const perBranch of [false, true]) {
      const query: KpiQuery = { range: { from, to: everything.to }, branchIds: null, dimension: dimension || null, now, distinctDays: { perBranch } };
      for (const row of await kpi.compute(query, refreshContext(db))) {
        if (!row.day || !row.branchKey || !row.prevDay) throw new Error(`${kpi.id}: a distinct count's compute must honour distinctDays (use distinctAggregate)`);
        rows.push({ ...row, key: dimension ? (row.key ?? "") : "", dimension });
      }
    }
  }
  return { kpiId: kpi.id, rows };
}

/**
 * Stored as running sums over the previous day within (dimension, scope, day, key): the count for a
 * range starting on `from` is, per day, the sum at the last previous day before `from`.
 */
async function writeDistinct(tx: Database, computed: ComputedDistinct, from: string | null) {
  await tx.execute(
    from === null
      ? sql`delete from kpi_rollup_distinct where kpi_id = ${computed.kpiId}`
      : sql`delete from kpi_rollup_distinct where kpi_id = ${computed.kpiId} and day >= ${from}::date`,
  );
  const group = (r: DistinctRow) => [r.dimension, r.branchKey, r.day, r.key].join("\u0000");
  // '-infinity' (no previous day) sorts first
  const sorted = computed.rows
    .map((r) => ({ r, g: group(r), p: r.prevDay === "-infinity" ? "" : r.prevDay! }))
    .sort((a, b) => (a.g !== b.g ? (a.g < b.g ? -1 : 1) : a.p < b.p ? -1 : a.p > b.p ? 1 : 0));
  let last: string | null = null;
  let n = 0;
  let m = 0;
  const out = sorted.map(({ r, g }) => {
    if (g !== last) [last, n, m] = [g, 0, 0];
    n += r.numerator;
    m += r.denominator ?? 0;
    return { x: r.dimension, s: r.branchKey, k: r.key ?? "", d: r.day, p: r.prevDay, l: r.label ?? null, n, m: r.denominator == null ? null : m };
  });
  for (let i = 0; i < out.length; i += 5000) {
    const json = JSON.stringify(out.slice(i, i + 5000));
    await tx.execute(sql`insert into kpi_rollup_distinct (kpi_id, dimension, scope, day, key, prev_day, label, numerator, denominator)
      select ${computed.kpiId}, r->>'x', r->>'s', (r->>'d')::date, r->>'k', (r->>'p')::date, r->>'l', (r->>'n')::float8, (r->>'m')::float8
      from jsonb_array_elements(${json}::jsonb) r`);
  }
}

async function computeSnapshot(db: Database, kpi: RollupKpi, now: Date) {
  // a snapshot KPI counts what stands at `now` and ignores the range; the day is only a well-formed one
  const day = today(defaultTimeZone, now);
  return { kpiId: kpi.id, rows: await kpi.compute({ range: { from: day, to: day }, branchIds: null, dimension: "branch", now }, refreshContext(db)) };
}

async function writeSnapshot(tx: Database, snapshot: { kpiId: string; rows: KpiRow[] }) {
  await tx.execute(sql`delete from kpi_rollup_snapshots where kpi_id = ${snapshot.kpiId}`);
  if (snapshot.rows.length === 0) return;
  const json = JSON.stringify(snapshot.rows.map((r) => ({ b: r.key ?? "-", n: r.numerator, m: r.denominator ?? null })));
  await tx.execute(sql`insert into kpi_rollup_snapshots (kpi_id, branch_key, numerator, denominator)
    select ${snapshot.kpiId}, r->>'b', (r->>'n')::float8, (r->>'m')::float8 from jsonb_array_elements(${json}::jsonb) r`);
}

export interface RefreshResult {
  full: boolean;
  days: number;
  ms: number;
}

/**
 * Brings the rollups up to date: the days marked since the last run (all of them after a change of
 * KPIs or `rebuild`), and every snapshot KPI as of `now`. The figures are computed outside any
 * transaction, statement by statement, and then written in one short transaction: a dashboard sees
 * the old or the new figures, never half, and no long transaction holds back the event log's
 * delivery horizon (ADR 023) while the KPIs are computed. Only the marks read before computing are
 * cleared: a write committed meanwhile leaves its own mark (its own transaction id) for the next run.
 */
export async function refreshKpiRollups(db: Database, kpis: RollupKpi[], options: { now?: Date; rebuild?: boolean } = {}): Promise<RefreshResult> {
  const started = Date.now();
  const now = options.now ?? new Date();
  await ensureTriggers(db, kpis);
  if (options.rebuild) await db.execute(sql`insert into kpi_rollup_dirty (day, xact) values ('-infinity', txid_current()) on conflict do nothing`);
  const marks = rowsOf<{ day: string; xact: string }>(await db.execute(sql`select day::text as day, xact::text as xact from kpi_rollup_dirty`));
  const full = marks.some((m) => m.day === "-infinity");
  const runs = full ? [everything] : dayRuns(marks.map((m) => m.day));
  const days: ComputedDays[] = [];
  for (const kpi of kpis.filter((k) => k.rollup && !k.snapshot && !isDistinct(k))) {
    for (const range of runs) days.push(...(await computeDays(db, kpi, range, now)));
  }
  // distinct counts: every day from the earliest marked one on (null: everything)
  const distinctFrom = full ? null : runs.length > 0 ? runs[0].from : undefined;
  const distinct: ComputedDistinct[] = [];
  if (distinctFrom !== undefined) {
    for (const kpi of kpis.filter(isDistinct)) distinct.push(await computeDistinct(db, kpi, distinctFrom ?? everything.from, now));
  }
  const snapshots: { kpiId: string; rows: KpiRow[] }[] = [];
  for (const kpi of kpis.filter((k) => k.snapshot && isRolledUp(k))) snapshots.push(await computeSnapshot(db, kpi, now));
  await db.transaction(async (tx) => {
    if (marks.length > 0) {
      const json = JSON.stringify(marks.map((m) => ({ d: m.day, x: m.xact })));
      await tx.execute(sql`delete from kpi_rollup_dirty d using jsonb_array_elements(${json}::jsonb) m
        where d.day = (m->>'d')::date and d.xact = (m->>'x')::bigint`);
    }
    for (const computed of days) await writeDays(tx, computed, full);
    for (const computed of distinct) await writeDistinct(tx, computed, distinctFrom ?? null);
    for (const snapshot of snapshots) await writeSnapshot(tx, snapshot);
    await tx.execute(sql`update kpi_rollup_state set as_of = ${now.toISOString()}::timestamptz where id = 1`);
  });
  return { full, days: full ? -1 : runs.reduce((n, r) => n + daysBetween(r.from, r.to) + 1, 0), ms: Date.now() - started };
}

export async function rollupView(db: Database): Promise<RollupView | null> {
  const [state] = rowsOf<{ as_of: Date | string | null; triggers: string | null }>(await db.execute(sql`select as_of, triggers from kpi_rollup_state where id = 1`));
  if (!state?.as_of || !state.triggers) return null;
  const installed = JSON.parse(state.triggers) as Installed;
  return {
    asOf: new Date(state.as_of),
    kpiIds: new Set(installed.kpis),
    dimensions: new Map(Object.entries(installed.dimensions ?? {}).map(([id, dimensions]) => [id, new Set(dimensions)])),
  };
}

function branchFilter(query: Pick<KpiQuery, "branchIds">): SQL {
  if (query.branchIds === null) return sql`true`;
  if (query.branchIds.length === 0) return sql`false`;
  return sql`branch_key in (${sql.join(
    query.branchIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

type Summed = { key: string | null; label: string | null; numerator: number | null; denominator: number | null };

function toRow(kpi: RollupKpi, r: Summed | undefined, key: string | null): KpiRow {
  return {
    key,
    ...(r?.label != null ? { label: r.label } : {}),
    numerator: Number(r?.numerator ?? 0),
    denominator: kpi.denominator ? Number(r?.denominator ?? 0) : null,
  };
}

/**
 * Which previous days answer a distinct count for these branches: those over every branch ('*') for
 * all of them, a branch's own for one branch. Several (but not all) branches cannot be summed (a
 * contact active in two would count twice): null, and the caller reads live SQL (readsRollup).
 */
function distinctScope(branchIds: readonly string[] | null): string | null {
  if (branchIds === null) return "*";
  return branchIds.length === 1 ? branchIds[0] : null;
}

// the previous-day rows of buckets × days × scopes: per day, the running sums at the last previous day before the bucket's first day
function distinctProbe(kpi: RollupKpi, buckets: DateRange[], scopes: SQL) {
  const values = sql.join(
    buckets.map((b, i) => sql`(${i}::int, ${b.from}::date, ${b.to}::date)`),
    sql`, `,
  );
  return sql`select b.i, s.scope, sum(p.numerator) as numerator, sum(p.denominator) as denominator
    from (values ${values}) as b(i, from_day, to_day)
    cross join (${scopes}) as s(scope)
    cross join lateral generate_series(0, b.to_day - b.from_day) as g(n)
    cross join lateral (select r.numerator, r.denominator from kpi_rollup_distinct r
      where r.kpi_id = ${kpi.id} and r.dimension = '' and r.scope = s.scope and r.day = b.from_day + g.n and r.key = '' and r.prev_day < b.from_day
      order by r.prev_day desc limit 1) p
    group by 1, 2`;
}

const scopeValues = (scopes: readonly string[]) =>
  sql`values ${sql.join(
    scopes.map((id) => sql`(${id}::text)`),
    sql`, `,
  )}`;

async function distinctRows(db: Database, kpi: RollupKpi, query: Pick<KpiQuery, "range" | "branchIds" | "dimension">): Promise<KpiRow[]> {
  const { range, branchIds, dimension } = query;
  if (dimension === "branch") {
    // each branch's own previous days: a branch's row is that branch's distinct count
    if (branchIds?.length === 0) return [];
    const scopes = branchIds ? scopeValues(branchIds) : sql`select id::text from branches union all select '-'`;
    const rows = rowsOf<Summed & { scope: string }>(await db.execute(sql`select x.scope as key, (select b.name from branches b where b.id::text = x.scope) as label, x.numerator, x.denominator
      from (${distinctProbe(kpi, [range], scopes)}) x order by 1`));
    return rows.map((r) => toRow(kpi, r, r.key));
  }
  if (branchIds?.length === 0) return dimension ? [] : [toRow(kpi, undefined, null)];
  const scope = distinctScope(branchIds);
  if (scope === null) throw new Error(`${kpi.id}: a distinct count's rollup answers every branch or one, not several`);
  if (!dimension) {
    const [r] = rowsOf<Summed>(await db.execute(sql`select null as key, null as label, x.numerator, x.denominator from (${distinctProbe(kpi, [range], scopeValues([scope]))}) x`));
    return [toRow(kpi, r, null)];
  }
  // other dimensions: each value's running sums, per day, at the last previous day before `from`
  const rows = await db.execute(sql`select x.key, min(x.label) as label, sum(x.numerator) as numerator, sum(x.denominator) as denominator from (
      select distinct on (r.day, r.key) r.key, r.label, r.numerator, r.denominator from kpi_rollup_distinct r
      where r.kpi_id = ${kpi.id} and r.dimension = ${dimension} and r.scope = ${scope} and r.day between ${range.from}::date and ${range.to}::date and r.prev_day < ${range.from}::date
      order by r.day, r.key, r.prev_day desc) x
    group by 1 order by 1`);
  return rowsOf<Summed>(rows).map((r) => toRow(kpi, r, r.key));
}

/** The KPI's rows (total, or split by a dimension) from the rollups, as its compute would answer them. */
export async function rollupRows(db: Database, kpi: RollupKpi, query: Pick<KpiQuery, "range" | "branchIds" | "dimension">): Promise<KpiRow[]> {
  if (query.dimension && !kpi.dimensions.includes(query.dimension)) return [];
  if (isDistinct(kpi)) return distinctRows(db, kpi, query);
  if (kpi.snapshot) {
    const where = sql`kpi_id = ${kpi.id} and ${branchFilter(query)}`;
    if (!query.dimension) {
      const [r] = rowsOf<Summed>(await db.execute(sql`select null as key, null as label, sum(numerator) as numerator, sum(denominator) as denominator from kpi_rollup_snapshots where ${where}`));
      return [toRow(kpi, r, null)];
    }
    if (query.dimension !== "branch") throw new Error("a snapshot KPI's rollup holds its branch split only");
    return rowsOf<Summed>(
      await db.execute(sql`select branch_key as key, (select b.name from branches b where b.id::text = branch_key) as label, numerator, denominator
        from kpi_rollup_snapshots where ${where} order by 1`),
    ).map((r) => toRow(kpi, r, r.key));
  }
  const days = sql`kpi_id = ${kpi.id} and day between ${query.range.from}::date and ${query.range.to}::date and ${branchFilter(query)}`;
  if (!query.dimension) {
    const [r] = rowsOf<Summed>(await db.execute(sql`select sum(numerator) as numerator, sum(denominator) as denominator, null as key, null as label from kpi_rollup_days where dimension = '' and ${days}`));
    return [toRow(kpi, r, null)];
  }
  const rows =
    query.dimension === "branch"
      ? await db.execute(sql`select g.key, (select b.name from branches b where b.id::text = g.key) as label, g.numerator, g.denominator
          from (select branch_key as key, sum(numerator) as numerator, sum(denominator) as denominator from kpi_rollup_days where dimension = '' and ${days} group by 1) g order by 1`)
      : await db.execute(sql`select key, min(label) as label, sum(numerator) as numerator, sum(denominator) as denominator
          from kpi_rollup_days where dimension = ${query.dimension} and ${days} group by 1 order by 1`);
  return rowsOf<Summed>(rows).map((r) => toRow(kpi, r, r.key));
}

/** The KPI's totals for consecutive ranges (a trend's buckets) in one query: rows in the buckets' order. */
export async function rollupTrend(db: Database, kpi: RollupKpi, buckets: DateRange[], query: Pick<KpiQuery, "branchIds">): Promise<KpiRow[]> {
  if (buckets.length === 0) return [];
  if (isDistinct(kpi)) {
    if (query.branchIds?.length === 0) return buckets.map(() => toRow(kpi, undefined, null));
    const scope = distinctScope(query.branchIds);
    if (scope === null) throw new Error(`${kpi.id}: a distinct count's rollup answers every branch or one, not several`);
    const summed = rowsOf<Summed & { i: number }>(await db.execute(distinctProbe(kpi, buckets, scopeValues([scope]))));
    return buckets.map((_, i) => toRow(kpi, summed.find((r) => Number(r.i) === i), null));
  }
  const values = sql.join(
    buckets.map((b, i) => sql`(${i}::int, ${b.from}::date, ${b.to}::date)`),
    sql`, `,
  );
  const summed = rowsOf<Summed & { i: number }>(
    await db.execute(sql`select b.i, sum(r.numerator) as numerator, sum(r.denominator) as denominator, null as key, null as label
      from (values ${values}) as b(i, from_day, to_day)
      join kpi_rollup_days r on r.kpi_id = ${kpi.id} and r.dimension = '' and r.day between b.from_day and b.to_day and ${branchFilter(query)}
      group by b.i`),
  );
  return buckets.map((_, i) => toRow(kpi, summed.find((r) => Number(r.i) === i), null));
}

/**
 * Whether this request may read `kpi` from the rollups (they are built, and hold it). A distinct
 * count for several branches but not all (never a dashboard's scope: a user sees one branch or all)
 * is read live, except split by branch.
 */
export function readsRollup(
  view: RollupView | null | undefined,
  kpi: RollupKpi,
  dimension: KpiDimension | null = null,
  branchIds: readonly string[] | null = null,
): view is RollupView {
  if (!view || !view.kpiIds.has(kpi.id) || !isRolledUp(kpi)) return false;
  if (dimension !== null && dimension !== "branch" && !view.dimensions.get(kpi.id)?.has(dimension)) return false;
  if (isDistinct(kpi) && dimension !== "branch" && branchIds !== null && branchIds.length > 1) return false;
  return !kpi.snapshot || dimension === null || dimension === "branch";
}

