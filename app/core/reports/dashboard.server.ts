// A role dashboard's view model: the request read from the URL, tiles with their definitions, the
// previous-period comparison, trend charts drawn on the server, and the branches the user may pick.
import { eq } from "drizzle-orm";
import { userRoles } from "../../../db/schema/index.ts";
import { analyticsScoresPermission } from "../analytics/rfm-snapshots.server.ts";
import { marketingScoreCharts } from "../analytics/rfm-views.server.ts";
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatLocalDate } from "../i18n/format.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { formatLocalTime } from "../time/format-time.ts";
import { localTimeOf, zoneAbbreviation } from "../time/local-time.ts";
import { staffTimeZone } from "../time/zones.server.ts";
import { dashboardForRoles, dashboards, isDashboardId, type DashboardId } from "./dashboards.ts";
import { formatChange, formatKpiValue } from "./kpi-format.ts";
import { rollupView } from "./kpi-rollup.server.ts";
import { requestQuery } from "./report-query.ts";
import { kpiTiles, readReportRequest, visibleBranches, visibleKpis, type KpiTile, type RegisteredKpi, type ReportProblem, type ReportRequest } from "./kpis.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface TileView {
  id: string;
  name: string;
  definition: string;
  numeratorLabel: string;
  denominatorLabel: string | null;
  value: string;
  numerator: string;
  denominator: string | null;
  /** ▲ / ▼ against the previous period; `good` colours it. */
  change: { direction: "up" | "down" | "flat"; text: string; good: boolean } | null;
  snapshot: boolean;
  href: string;
}

/** Names, definitions and formatted figures for tiles, in the user's language. */
export function tileViews(tiles: KpiTile[], kpis: RegisteredKpi[], request: ReportRequest, language: "id" | "en"): TileView[] {
  const tRep = fixedT(language, "reports");
  return tiles.map((tile) => {
    const kpi = kpis.find((k) => k.id === tile.id)!;
    const t = fixedT(language, kpi.namespace);
    const change =
      tile.change == null
        ? null
        : (() => {
            const direction = Math.abs(tile.change) < 0.05 ? ("flat" as const) : tile.change > 0 ? ("up" as const) : ("down" as const);
            const text = direction === "flat" ? tRep("tile.flat") : tRep(`tile.${direction}`, { percent: formatChange(tile.change, language) });
            return { direction, text, good: direction === "flat" || direction === tile.better };
          })();
    const countFormat = (n: number) => formatKpiValue("count", n, language);
    return {
      id: tile.id,
      name: t(kpi.name),
      definition: t(kpi.definition),
      numeratorLabel: t(kpi.numerator),
      denominatorLabel: kpi.denominator ? t(kpi.denominator) : null,
      value: formatKpiValue(tile.unit, tile.value, language),
      numerator: countFormat(tile.numerator),
      denominator: tile.denominator == null ? null : countFormat(tile.denominator),
      change,
      snapshot: tile.snapshot,
      href: `/staff/reports/kpi/${encodeURIComponent(tile.id)}?${requestQuery(request)}`,
    };
  });
}

export interface DashboardView {
  dashboardId: DashboardId;
  dashboardIds: DashboardId[];
  request: ReportRequest;
  problems: ReportProblem[];
  branches: { id: string; name: string }[];
  allBranches: boolean;
  periodText: string;
  previousText: string;
  /** "Data as of 14.32 WIB": when the rollups the tiles read were brought up to date (ADR 021). */
  freshnessText: string;
  tiles: TileView[];
  charts: RenderedChart[];
}

/** The user's role dashboard (or `?dashboard=` another), for the range and branch in the URL. */
export async function roleDashboard(runtime: AppRuntime, actor: StaffActor, input: { url: URL; language: "id" | "en"; now: Date }): Promise<DashboardView> {
  // who may see what from the primary; the figures from the read replica when there is one (ADR 024)
  const { db, readDb } = runtime;
  const roles = (await db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, actor.userId))).map((r) => r.roleId);
  const asked = input.url.searchParams.get("dashboard");
  const dashboardId = isDashboardId(asked) ? asked : dashboardForRoles(roles);
  const definition = dashboards[dashboardId];
  const [scope, timeZone, all, rollups] = await Promise.all([visibleBranches(db, actor), staffTimeZone(db, actor), visibleKpis(db, runtime.registry, actor), rollupView(readDb)]);
  const { request, problems } = readReportRequest(input.url, scope, { defaultPreset: definition.defaultPreset, timeZone, now: input.now, dimensions: [] });
  const kpis = definition.kpis.map((id) => all.find((k) => k.id === id)).filter((k): k is RegisteredKpi => Boolean(k));
  const charted = new Set(definition.charts);
  const tiles = await kpiTiles(readDb, kpis, request, { now: input.now, language: input.language, trend: charted, rollups });
  const tRep = fixedT(input.language, "reports");
  const freshnessText = rollups
    ? tRep("freshness.asOf", { time: formatLocalTime(localTimeOf(rollups.asOf, request.timeZone), input.language), zone: zoneAbbreviation(request.timeZone) })
    : tRep("freshness.live");
  const fmt = (d: string) => formatLocalDate(d, input.language, "medium");
  const charts = tiles
    .filter((tile) => tile.trend.length > 1)
    .map((tile) => {
      const kpi = kpis.find((k) => k.id === tile.id)!;
      const name = fixedT(input.language, kpi.namespace)(kpi.name);
      return renderChart(
        `trend-${tile.id}`,
        {
          kind: kpi.unit === "count" || kpi.unit === "rupiah" ? "area" : "line",
          title: tRep("trendTitle", { name }),
          description: tRep("trendDesc", { name, from: fmt(request.range.from), to: fmt(request.range.to) }),
          categories: tile.trend.map((p) => p.label),
          series: [{ name, values: tile.trend.map((p) => p.value) }],
          format: (v) => formatKpiValue(kpi.unit, v, input.language),
          language: input.language,
        },
        { category: tRep("table.period"), stage: tRep("table.stage"), value: tRep("table.value") },
      );
    });
  // the marketing dashboard also shows the customer segment grid and the CLV distribution (issue 10)
  if (dashboardId === "marketing" && actor.permissions.has(analyticsScoresPermission)) charts.push(...(await marketingScoreCharts(db, actor, input.language)));
  return {
    dashboardId,
    dashboardIds: Object.keys(dashboards) as DashboardId[],
    request,
    problems,
    branches: scope.branches.map((b) => ({ id: b.id, name: b.name })),
    allBranches: scope.all,
    periodText: tRep("range.summary", { from: fmt(request.range.from), to: fmt(request.range.to) }),
    previousText: tRep("range.previous", { from: fmt(request.previous.from), to: fmt(request.previous.to) }),
    freshnessText,
    tiles: tileViews(tiles, kpis, request, input.language),
    charts,
  };
}
