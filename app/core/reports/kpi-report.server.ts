// One KPI's report page: its tile, its split by a dimension (or its trend), a chart of that, the
// records behind the number, and the same table for CSV/XLSX export.
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatLocalDate } from "../i18n/format.ts";
import type { Actor, KpiRecord, KpiUnit } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { staffTimeZone } from "../time/zones.server.ts";
import { tileViews, type TileView } from "./dashboard.server.ts";
import { formatKpiValue } from "./kpi-format.ts";
import { rollupView } from "./kpi-rollup.server.ts";
import { kpiBreakdown, kpiContext, kpiTiles, readReportRequest, trendBuckets, visibleBranches, visibleKpis, kpiTotal, type ReportProblem, type ReportRequest } from "./kpis.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** A report table with raw numbers (for export) and its column headings, already translated. */
export interface ReportTable {
  title: string;
  unit: KpiUnit;
  /** `numerator` is null when the value is the numerator itself (a count or a sum): one column, not two equal ones. */
  columns: { key: string; numerator: string | null; denominator: string | null; value: string };
  rows: { key: string; label: string; numerator: number; denominator: number | null; value: number | null }[];
}

export interface KpiReportView {
  kpiId: string;
  name: string;
  request: ReportRequest;
  problems: ReportProblem[];
  branches: { id: string; name: string }[];
  allBranches: boolean;
  dimensions: string[];
  periodText: string;
  tile: TileView;
  table: ReportTable;
  chart: RenderedChart | null;
  records: (Omit<KpiRecord, "at"> & { at: string | null })[];
  hasRecords: boolean;
}

/** Whether the value column would only repeat the numerator (a count or a sum, no denominator). */
export function valueIsNumerator(kpi: { denominator?: string }, rows: { numerator: number; value: number | null }[]) {
  return !kpi.denominator && rows.every((r) => r.value == null || r.value === r.numerator);
}

/** An ISO weekday (1 = Monday) by name, in the user's language. */
function weekdayName(isoDay: string, language: "id" | "en") {
  const day = Number(isoDay);
  if (!(day >= 1 && day <= 7)) return null;
  // 1 January 2024 was a Monday
  return new Intl.DateTimeFormat(language === "id" ? "id-ID" : "en-GB", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, day)));
}

/** Labels for dimension keys that are codes (weekdays, age buckets), in the user's language. */
function keyLabel(dimension: string | null, key: string, label: string, language: "id" | "en") {
  const t = fixedT(language, "reports");
  if (dimension === "weekday") return weekdayName(key, language) ?? key;
  if (dimension === "age") return t(`ageBuckets.${key}`, { defaultValue: key });
  if (dimension === "hour") return `${key}.00`;
  if (dimension === "weekdayHour") {
    const [day, hour] = key.split("|");
    return `${weekdayName(day, language) ?? day} ${hour}.00`;
  }
  return label || "–";
}

/** Rows keyed "<weekday>|<hour>" as a grid: the weekdays and hours that occur, Monday and the earliest hour first. */
export function weekdayHourGrid(rows: { key: string; value: number | null }[], language: "id" | "en") {
  const cells = rows.map((r) => ({ day: r.key.split("|")[0] ?? "", hour: r.key.split("|")[1] ?? "", value: r.value }));
  const days = [...new Set(cells.map((c) => c.day))].sort((a, b) => Number(a) - Number(b));
  const hours = [...new Set(cells.map((c) => c.hour))].sort();
  const value = new Map(cells.map((c) => [`${c.day}|${c.hour}`, c.value]));
  return {
    rows: days.map((d) => weekdayName(d, language) ?? d),
    columns: hours.map((h) => `${h}.00`),
    values: days.map((d) => hours.map((h) => value.get(`${d}|${h}`) ?? null)),
  };
}

/** The report of one KPI the user may see, or null when it is unknown to them (disabled plugin, no permission). */
export async function kpiReport(runtime: AppRuntime, actor: StaffActor, input: { kpiId: string; url: URL; language: "id" | "en"; now: Date }): Promise<KpiReportView | null> {
  // who may see what from the primary; the figures from the read replica when there is one (ADR 024)
  const { db, readDb } = runtime;
  const kpi = (await visibleKpis(db, runtime.registry, actor)).find((k) => k.id === input.kpiId);
  if (!kpi) return null;
  const [scope, timeZone, rollups] = await Promise.all([visibleBranches(db, actor), staffTimeZone(db, actor), rollupView(readDb)]);
  const { request, problems } = readReportRequest(input.url, scope, { defaultPreset: "month", timeZone, now: input.now, dimensions: kpi.dimensions });
  const t = fixedT(input.language, kpi.namespace);
  const tRep = fixedT(input.language, "reports");
  const name = t(kpi.name);
  const fmt = (d: string) => formatLocalDate(d, input.language, "medium");
  const [tiles] = await Promise.all([kpiTiles(readDb, [kpi], request, { now: input.now, language: input.language, trend: false, rollups })]);
  const options = { now: input.now, language: input.language, rollups };

  let rows: ReportTable["rows"];
  if (request.dimension) {
    rows = (await kpiBreakdown(readDb, kpi, request, options)).map((r) => ({ ...r, label: keyLabel(request.dimension, r.key, r.label, input.language) }));
  } else if (kpi.snapshot) {
    const total = await kpiTotal(readDb, kpi, { range: request.range, branchIds: request.branchIds, now: input.now }, input.language, rollups);
    rows = [{ key: "total", label: tRep("tile.now"), ...total }];
  } else {
    rows = await Promise.all(
      trendBuckets(request.range).map(async (b) => {
        const figure = await kpiTotal(readDb, kpi, { range: b.range, branchIds: request.branchIds, now: input.now }, input.language, rollups);
        return { key: `${b.range.from}/${b.range.to}`, label: b.range.from === b.range.to ? fmt(b.range.from) : `${fmt(b.range.from)} – ${fmt(b.range.to)}`, ...figure };
      }),
    );
  }
  const dimensionName = request.dimension ? tRep(`dimension.${request.dimension}`) : tRep("table.period");
  const table: ReportTable = {
    title: request.dimension ? tRep("breakdownTitle", { name, dimension: dimensionName }) : tRep("trendTitle", { name }),
    unit: kpi.unit,
    columns: {
      key: dimensionName,
      numerator: valueIsNumerator(kpi, rows) ? null : t(kpi.numerator),
      denominator: kpi.denominator ? t(kpi.denominator) : null,
      value: name,
    },
    rows,
  };
  const format = (v: number) => formatKpiValue(kpi.unit, v, input.language);
  const labels = { category: dimensionName, stage: tRep("table.stage"), value: name };
  let chart: RenderedChart | null = null;
  if (request.dimension === "weekdayHour" && rows.length) {
    chart = renderChart(
      `kpi-${kpi.id}`,
      {
        kind: "heatmap",
        title: table.title,
        description: tRep("breakdownDesc", { name, dimension: dimensionName, from: fmt(request.range.from), to: fmt(request.range.to) }),
        ...weekdayHourGrid(rows, input.language),
        format,
        language: input.language,
      },
      labels,
    );
  } else if (rows.length > 1 || (request.dimension && rows.length)) {
    chart = request.dimension
      ? renderChart(
          `kpi-${kpi.id}`,
          {
            kind: "groupedBar",
            horizontal: true,
            title: table.title,
            description: tRep("breakdownDesc", { name, dimension: dimensionName, from: fmt(request.range.from), to: fmt(request.range.to) }),
            categories: rows.map((r) => r.label),
            series: [{ name, values: rows.map((r) => r.value) }],
            format,
          language: input.language,
          },
          labels,
        )
      : renderChart(
          `kpi-${kpi.id}`,
          {
            kind: "line",
            title: table.title,
            description: tRep("trendDesc", { name, from: fmt(request.range.from), to: fmt(request.range.to) }),
            categories: rows.map((r) => r.label),
            series: [{ name, values: rows.map((r) => r.value) }],
            format,
          language: input.language,
          },
          labels,
        );
  }
  const records = kpi.records ? await kpi.records({ range: request.range, branchIds: request.branchIds, dimension: null, now: input.now, limit: 50 }, kpiContext(readDb, kpi, input.language)) : [];
  return {
    kpiId: kpi.id,
    name,
    request,
    problems,
    branches: scope.branches.map((b) => ({ id: b.id, name: b.name })),
    allBranches: scope.all,
    dimensions: kpi.dimensions,
    periodText: tRep("range.summary", { from: fmt(request.range.from), to: fmt(request.range.to) }),
    tile: tileViews(tiles, [kpi], request, input.language)[0],
    table,
    chart,
    records: records.map((r) => ({ ...r, at: r.at ? r.at.toISOString() : null })),
    hasRecords: Boolean(kpi.records),
  };
}
