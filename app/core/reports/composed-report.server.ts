// A report made of several KPIs for one period and branch scope: tiles with the previous-period
// comparison, each KPI's trend as a table (numerator, denominator, value per day/week/month), charts
// of some of them, and the same as workbook sheets. The printable management report and scheduled
// e-mails are both this; the dashboard page shows its tiles and charts.
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatLocalDate } from "../i18n/format.ts";
import type { Database } from "../../../db/client.ts";
import type { Actor, KpiUnit } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import type { RangePreset } from "../time/local-time.ts";
import { staffTimeZone } from "../time/zones.server.ts";
import { tileViews, type TileView } from "./dashboard.server.ts";
import { formatKpiValue } from "./kpi-format.ts";
import { valueIsNumerator, type ReportTable } from "./kpi-report.server.ts";
import { kpiTiles, kpiTotal, readReportRequest, trendBuckets, visibleBranches, visibleKpis, type KpiTile, type RegisteredKpi, type ReportProblem, type ReportRequest } from "./kpis.server.ts";
import { rollupView } from "./kpi-rollup.server.ts";
import { reportTableSheet } from "./report-export.server.ts";
import type { WorkbookSheet } from "./report-workbook.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface ComposedReportSpec {
  kpis: readonly string[];
  /** KPIs (of `kpis`) drawn as trend charts. */
  charts: readonly string[];
  defaultPreset: RangePreset;
}

export interface ReportSection {
  id: string;
  name: string;
  definition: string;
  numeratorLabel: string;
  denominatorLabel: string | null;
  unit: KpiUnit;
  snapshot: boolean;
  table: ReportTable;
}

export interface ComposedReport {
  request: ReportRequest;
  problems: ReportProblem[];
  branches: { id: string; name: string }[];
  allBranches: boolean;
  /** The branch reported on, or null for every branch the user may see. */
  branchName: string | null;
  periodText: string;
  previousText: string;
  tiles: TileView[];
  /** The raw figures behind the tiles (for the workbook's summary). */
  figures: KpiTile[];
  charts: RenderedChart[];
  sections: ReportSection[];
}

/** The KPIs of `spec` the user may see, for the period and branch in `url` (`?range=`, `?from=&to=`, `?branch=`). */
export async function composedReport(
  deps: Pick<AppRuntime, "db" | "registry"> & { readDb?: Database },
  actor: StaffActor,
  input: { spec: ComposedReportSpec; url: URL; language: "id" | "en"; now: Date },
): Promise<ComposedReport> {
  // who may see what from the primary; the figures from the read replica when there is one (ADR
  // 024), from the daily rollups where a KPI has them (ADR 021), as the dashboards do
  const { db } = deps;
  const read = deps.readDb ?? db;
  const [scope, timeZone, all, rollups] = await Promise.all([visibleBranches(db, actor), staffTimeZone(db, actor), visibleKpis(db, deps.registry, actor), rollupView(read)]);
  const { request, problems } = readReportRequest(input.url, scope, { defaultPreset: input.spec.defaultPreset, timeZone, now: input.now, dimensions: [] });
  const kpis = input.spec.kpis.map((id) => all.find((k) => k.id === id)).filter((k): k is RegisteredKpi => Boolean(k));
  const figures = await kpiTiles(read, kpis, request, { now: input.now, language: input.language, trend: false, rollups });
  const tRep = fixedT(input.language, "reports");
  const fmt = (d: string) => formatLocalDate(d, input.language, "medium");
  const buckets = trendBuckets(request.range);
  const charted = new Set(input.spec.charts);
  const sections: ReportSection[] = [];
  const charts: RenderedChart[] = [];
  for (const kpi of kpis) {
    const t = fixedT(input.language, kpi.namespace);
    const name = t(kpi.name);
    const snapshot = kpi.snapshot === true;
    const periods = snapshot ? [{ label: tRep("tile.now"), range: request.range }] : buckets;
    const rows = await Promise.all(
      periods.map(async (b) => {
        const figure = await kpiTotal(read, kpi, { range: b.range, branchIds: request.branchIds, now: input.now }, input.language, rollups);
        const label = snapshot ? b.label : b.range.from === b.range.to ? fmt(b.range.from) : `${fmt(b.range.from)} – ${fmt(b.range.to)}`;
        return { key: `${b.range.from}/${b.range.to}`, label, ...figure };
      }),
    );
    const table: ReportTable = {
      title: name,
      unit: kpi.unit,
      columns: {
        key: tRep("table.period"),
        numerator: valueIsNumerator(kpi, rows) ? null : t(kpi.numerator),
        denominator: kpi.denominator ? t(kpi.denominator) : null,
        value: name,
      },
      rows,
    };
    sections.push({ id: kpi.id, name, definition: t(kpi.definition), numeratorLabel: t(kpi.numerator), denominatorLabel: kpi.denominator ? t(kpi.denominator) : null, unit: kpi.unit, snapshot, table });
    if (charted.has(kpi.id) && !snapshot && rows.length > 1) {
      charts.push(
        renderChart(
          `trend-${kpi.id}`,
          {
            kind: kpi.unit === "count" || kpi.unit === "rupiah" ? "area" : "line",
            title: tRep("trendTitle", { name }),
            description: tRep("trendDesc", { name, from: fmt(request.range.from), to: fmt(request.range.to) }),
            categories: buckets.map((b) => b.label),
            series: [{ name, values: rows.map((r) => r.value) }],
            format: (v) => formatKpiValue(kpi.unit, v, input.language),
            language: input.language,
          },
          { category: tRep("table.period"), stage: tRep("table.stage"), value: tRep("table.value") },
        ),
      );
    }
  }
  return {
    request,
    problems,
    branches: scope.branches.map((b) => ({ id: b.id, name: b.name })),
    allBranches: scope.all,
    branchName: request.branchId ? (scope.branches.find((b) => b.id === request.branchId)?.name ?? null) : null,
    periodText: tRep("range.summary", { from: fmt(request.range.from), to: fmt(request.range.to) }),
    previousText: tRep("range.previous", { from: fmt(request.previous.from), to: fmt(request.previous.to) }),
    tiles: tileViews(figures, kpis, request, input.language),
    figures,
    charts,
    sections,
  };
}

/**
 * The report as workbook sheets: a summary (one row per KPI: definition, value, numerator and
 * denominator with their labels, the previous period's value and the change) and one sheet per KPI
 * with its trend, periods as real dates.
 */
export function composedReportSheets(report: ComposedReport, language: "id" | "en"): WorkbookSheet[] {
  const t = fixedT(language, "reports");
  const summary: WorkbookSheet = {
    name: t("management.sheets.summary"),
    columns: [
      { header: t("management.columns.kpi"), kind: "text", width: 30 },
      { header: t("management.columns.definition"), kind: "text", width: 60 },
      { header: t("management.columns.value"), kind: "unit" },
      { header: t("management.columns.numeratorLabel"), kind: "text", width: 28 },
      { header: t("management.columns.numerator"), kind: "count" },
      { header: t("management.columns.denominatorLabel"), kind: "text", width: 28 },
      { header: t("management.columns.denominator"), kind: "count" },
      { header: t("management.columns.previous"), kind: "unit" },
      { header: t("management.columns.change"), kind: "percent" },
      { header: t("management.columns.from"), kind: "date", width: 12 },
      { header: t("management.columns.to"), kind: "date", width: 12 },
    ],
    rows: report.sections.map((section) => {
      const figure = report.figures.find((f) => f.id === section.id)!;
      return {
        unit: section.unit,
        cells: [
          section.name,
          section.definition,
          figure.value,
          section.numeratorLabel,
          figure.numerator,
          section.denominatorLabel,
          figure.denominator,
          figure.previous?.value ?? null,
          figure.change,
          report.request.range.from,
          report.request.range.to,
        ],
      };
    }),
  };
  const trends = report.sections.map((section): WorkbookSheet => {
    const sheet = reportTableSheet(section.table);
    // the period column as two real dates instead of one label
    return {
      name: section.name,
      columns: [{ header: t("management.columns.from"), kind: "date", width: 12 }, { header: t("management.columns.to"), kind: "date", width: 12 }, ...sheet.columns.slice(1)],
      rows: section.table.rows.map((row, i) => {
        const [from, to] = row.key.split("/");
        return { cells: [from, to, ...sheet.rows[i].cells.slice(1)] };
      }),
    };
  });
  return [summary, ...trends];
}
