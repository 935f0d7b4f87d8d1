// The KPI engine: which KPIs a user may see (core + enabled plugins), which branches they may see,
// reading a report request (range, branch, dimension) safely, and computing values, comparisons,
// trends and breakdowns. Routes call these; KPIs themselves only answer KpiQuery in SQL.
import { asc, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { branches } from "../../../db/schema/index.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { kpiDimensions, type Actor, type KpiDefinition, type KpiDimension, type KpiQuery, type KpiRow, type Translate } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { addDays, addMonths, checkRange, daysBetween, presetRange, previousRange, rangePresets, startOfMonth, startOfWeek, type DateRange, type RangePreset, type TimeZone } from "../time/local-time.ts";
import { coreKpis } from "./core-kpis.server.ts";
import { readsRollup, rollupRows, rollupTrend, type RollupKpi, type RollupView } from "./kpi-rollup.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
export type RegisteredKpi = KpiDefinition & { pluginId: string | null; namespace: string };

/** Every KPI the user may see now: the core's and those of enabled plugins, each with its namespace. */
export async function visibleKpis(db: Database, registry: PluginRegistry, actor: StaffActor): Promise<RegisteredKpi[]> {
  const enabled = await registry.enabledPluginIds(db);
  const core = coreKpis.filter((k) => actor.permissions.has(k.permission)).map((k) => ({ ...k, id: `core.${k.id}`, pluginId: null, namespace: "reports" }));
  const plugin = registry.kpis(enabled, actor.permissions).map((k) => ({ ...k, namespace: k.pluginId }));
  return [...core, ...plugin];
}

/** Every KPI the rollups keep: the core's and every installed plugin's (enabled or not: their tables stay). */
export function allKpis(registry: PluginRegistry): RollupKpi[] {
  return [...coreKpis.map((k) => ({ ...k, id: `core.${k.id}` })), ...registry.allKpis()];
}

export interface BranchOption {
  id: string;
  name: string;
  timeZone: TimeZone;
}

/** Branches whose numbers the user may see: all for management and head office, else their own. */
export async function visibleBranches(db: Database, actor: StaffActor): Promise<{ all: boolean; branches: BranchOption[] }> {
  const all = actor.branchId === null || actor.permissions.has("core.report.allBranches");
  const rows = await db
    .select({ id: branches.id, name: branches.name, timeZone: branches.timeZone })
    .from(branches)
    .where(all ? undefined : inArray(branches.id, [actor.branchId as string]))
    .orderBy(asc(branches.name));
  return { all, branches: rows };
}

export type ReportProblem = "invalidDate" | "reversed" | "tooLong" | "unknownBranch" | "unknownDimension" | "unknownPreset";

export interface ReportRequest {
  preset: RangePreset | "custom";
  range: DateRange;
  previous: DateRange;
  /** The branch asked for (one the user may see), or null for every branch they may see. */
  branchId: string | null;
  /** What the KPIs are scoped to: null = every branch (management), else these ids. */
  branchIds: string[] | null;
  dimension: KpiDimension | null;
  timeZone: TimeZone;
}

const requestSchema = z.object({
  range: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  branch: z.string().optional(),
  dimension: z.string().optional(),
});

/**
 * Reads `?range=7d` or `?range=custom&from=…&to=…`, `?branch=` and `?dimension=` from a URL. Never
 * throws: a bad value gives the default plus a problem to show (an unknown or foreign branch falls back
 * to the branches the user may see, never to another's numbers).
 */
export function readReportRequest(
  url: URL,
  scope: { all: boolean; branches: BranchOption[] },
  options: { defaultPreset: RangePreset; timeZone: TimeZone; now: Date; dimensions?: readonly KpiDimension[] },
): { request: ReportRequest; problems: ReportProblem[] } {
  const raw = requestSchema.parse(Object.fromEntries(url.searchParams));
  const problems: ReportProblem[] = [];
  const allowedIds = scope.branches.map((b) => b.id);
  let branchId: string | null = null;
  if (raw.branch) {
    if (allowedIds.includes(raw.branch)) branchId = raw.branch;
    else problems.push("unknownBranch");
  }
  const branchIds = branchId ? [branchId] : scope.all ? null : allowedIds;
  const timeZone = (branchId && scope.branches.find((b) => b.id === branchId)?.timeZone) || options.timeZone;

  let preset: RangePreset | "custom" = options.defaultPreset;
  let range = presetRange(options.defaultPreset, timeZone, options.now);
  if (raw.range === "custom" || (!raw.range && (raw.from || raw.to))) {
    const checked = checkRange(raw.from, raw.to);
    if (checked.ok) {
      preset = "custom";
      range = checked.range;
    } else problems.push(checked.problem);
  } else if (raw.range) {
    if ((rangePresets as readonly string[]).includes(raw.range)) {
      preset = raw.range as RangePreset;
      range = presetRange(preset, timeZone, options.now);
    } else problems.push("unknownPreset");
  }

  let dimension: KpiDimension | null = null;
  if (raw.dimension) {
    const allowed = options.dimensions ?? kpiDimensions;
    if ((allowed as readonly string[]).includes(raw.dimension)) dimension = raw.dimension as KpiDimension;
    else problems.push("unknownDimension");
  }
  return { request: { preset, range, previous: previousRange(range), branchId, branchIds, dimension, timeZone }, problems };
}

/**
 * numerator / denominator in the KPI's unit (percent × 100); without a denominator (a count, a Rupiah
 * total) the numerator itself; null when undefined (÷ 0).
 */
export function kpiValue(kpi: Pick<KpiDefinition, "unit">, row: KpiRow | undefined): number | null {
  if (!row) return kpi.unit === "count" ? 0 : null;
  if (row.value !== undefined) return row.value;
  if (row.denominator == null) return row.numerator;
  if (!row.denominator) return null;
  const ratio = row.numerator / row.denominator;
  return kpi.unit === "percent" ? ratio * 100 : ratio;
}

export function kpiContext(db: Database, kpi: RegisteredKpi, language: "id" | "en") {
  return { db, language, t: fixedT(language, kpi.namespace) as Translate };
}

export interface KpiFigure {
  value: number | null;
  numerator: number;
  denominator: number | null;
}

/** The KPI's total for one range: from the rollups when `rollups` holds it (ADR 021), else live SQL. */
export async function kpiTotal(db: Database, kpi: RegisteredKpi, query: Omit<KpiQuery, "dimension">, language: "id" | "en", rollups?: RollupView | null): Promise<KpiFigure> {
  const rows = readsRollup(rollups, kpi, null, query.branchIds) ? await rollupRows(db, kpi, { ...query, dimension: null }) : await kpi.compute({ ...query, dimension: null }, kpiContext(db, kpi, language));
  const row = rows.find((r) => r.key === null) ?? rows[0];
  return { value: kpiValue(kpi, row), numerator: row?.numerator ?? 0, denominator: row?.denominator ?? null };
}

/** Up to ~13 buckets covering the range: days (≤ 14 days), weeks (≤ 92 days) or months. */
export function trendBuckets(range: DateRange): { label: string; range: DateRange }[] {
  const days = daysBetween(range.from, range.to) + 1;
  const out: { label: string; range: DateRange }[] = [];
  if (days <= 14) {
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push({ label: d.slice(5), range: { from: d, to: d } });
  } else if (days <= 92) {
    for (let w = startOfWeek(range.from); w <= range.to; w = addDays(w, 7)) {
      const from = w < range.from ? range.from : w;
      const end = addDays(w, 6);
      out.push({ label: from.slice(5), range: { from, to: end > range.to ? range.to : end } });
    }
  } else {
    for (let m = startOfMonth(range.from); m <= range.to; m = addMonths(m, 1)) {
      const from = m < range.from ? range.from : m;
      const end = addDays(addMonths(m, 1), -1);
      out.push({ label: m.slice(0, 7), range: { from, to: end > range.to ? range.to : end } });
    }
  }
  return out.slice(-24);
}

export interface KpiTile extends KpiFigure {
  id: string;
  namespace: string;
  unit: KpiDefinition["unit"];
  better: "up" | "down";
  snapshot: boolean;
  previous: KpiFigure | null;
  /** Change from the previous period in percent; null when it cannot be said (no previous value or it was 0). */
  change: number | null;
  trend: { label: string; value: number | null }[];
}

/** A tile per KPI: the value for the range, the previous period's, the change and (optionally) the trend. */
export async function kpiTiles(
  db: Database,
  kpis: RegisteredKpi[],
  request: ReportRequest,
  options: { now: Date; language: "id" | "en"; trend: boolean | ReadonlySet<string>; rollups?: RollupView | null },
): Promise<KpiTile[]> {
  const base = { branchIds: request.branchIds, now: options.now };
  return Promise.all(
    kpis.map(async (kpi) => {
      const snapshot = kpi.snapshot === true;
      const [current, previous, trend] = await Promise.all([
        kpiTotal(db, kpi, { ...base, range: request.range }, options.language, options.rollups),
        snapshot ? null : kpiTotal(db, kpi, { ...base, range: request.previous }, options.language, options.rollups),
        (options.trend === true || (options.trend instanceof Set && options.trend.has(kpi.id))) && !snapshot
          ? kpiTrend(db, kpi, request, options)
          : [],
      ]);
      const change = previous && current.value != null && previous.value ? ((current.value - previous.value) / Math.abs(previous.value)) * 100 : null;
      return { id: kpi.id, namespace: kpi.namespace, unit: kpi.unit, better: kpi.better ?? "up", snapshot, ...current, previous, change, trend };
    }),
  );
}

/** The KPI's value per trend bucket: one query from the rollups, else one live query per bucket. */
async function kpiTrend(db: Database, kpi: RegisteredKpi, request: ReportRequest, options: { now: Date; language: "id" | "en"; rollups?: RollupView | null }) {
  const buckets = trendBuckets(request.range);
  if (readsRollup(options.rollups, kpi, null, request.branchIds)) {
    const rows = await rollupTrend(db, kpi, buckets.map((b) => b.range), request);
    return buckets.map((b, i) => ({ label: b.label, value: kpiValue(kpi, rows[i]) }));
  }
  const base = { branchIds: request.branchIds, now: options.now };
  return Promise.all(buckets.map(async (b) => ({ label: b.label, value: (await kpiTotal(db, kpi, { ...base, range: b.range }, options.language)).value })));
}

/** The KPI split by one of its dimensions, each row with its value. */
export async function kpiBreakdown(db: Database, kpi: RegisteredKpi, request: ReportRequest, options: { now: Date; language: "id" | "en"; rollups?: RollupView | null }) {
  if (!request.dimension || !kpi.dimensions.includes(request.dimension)) return [];
  const query = { range: request.range, branchIds: request.branchIds, dimension: request.dimension, now: options.now };
  const rows = readsRollup(options.rollups, kpi, request.dimension, request.branchIds) ? await rollupRows(db, kpi, query) : await kpi.compute(query, kpiContext(db, kpi, options.language));
  return rows.map((r) => ({ key: r.key ?? "", label: r.label ?? r.key ?? "", numerator: r.numerator, denominator: r.denominator ?? null, value: kpiValue(kpi, r) }));
}
