// /partner/reports: a referring clinic sees its own referrals' turnaround and outcomes, a supplier its
// own products' sell-through over time. The KPIs are the plugins' own (so the numbers match the
// hospital's and the store's reports), split by partner, and only the partner's own row is shown.
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { formatLocalDate } from "../i18n/format.ts";
import type { Actor, KpiQuery } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { defaultTimeZone } from "../time/local-time.ts";
import { formatKpiValue } from "./kpi-format.ts";
import { kpiContext, kpiValue, readReportRequest, trendBuckets, type RegisteredKpi, type ReportProblem, type ReportRequest } from "./kpis.server.ts";

type PartnerActor = Extract<Actor, { kind: "partner" }>;

const referralIds = ["referralsIn", "acceptanceRate", "hoursToAccept", "daysToFirstVisit", "daysToFirstVisitP90", "backReferralRate"].map((id) => `hospital-referrals.${id}`);
const sellThroughId = "retail-pos.lineSales";

export interface PartnerFigure {
  id: string;
  name: string;
  definition: string;
  value: string;
  raw: number | null;
  numerator: number;
}

export interface PartnerReportView {
  request: ReportRequest;
  problems: ReportProblem[];
  periodText: string;
  referrals: PartnerFigure[] | null;
  funnel: RenderedChart | null;
  sellThrough: { chart: RenderedChart; total: string } | null;
}

/** The partner's own row of a KPI split by partner (or by supplier), or zero when it has none. */
async function ownRow(runtime: AppRuntime, kpi: RegisteredKpi, query: Omit<KpiQuery, "dimension">, dimension: "partner" | "supplier", partnerOrgId: string, language: "id" | "en") {
  const rows = await kpi.compute({ ...query, dimension }, kpiContext(runtime.readDb, kpi, language));
  const row = rows.find((r) => r.key === partnerOrgId);
  return { value: kpiValue(kpi, row), numerator: row?.numerator ?? 0 };
}

export async function partnerReport(runtime: AppRuntime, actor: PartnerActor, input: { url: URL; language: "id" | "en"; now: Date }): Promise<PartnerReportView> {
  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const wanted = new Set([...referralIds, sellThroughId]);
  // the partner holds no staff permission: it may read these few KPIs, and only its own row of them
  const declared = new Set(runtime.registry.plugins.flatMap((p) => Object.keys(p.manifest.permissions)));
  const available = runtime.registry
    .kpis(enabled, declared)
    .filter((k) => wanted.has(k.id))
    .map((k) => ({ ...k, namespace: k.pluginId }));
  const { request, problems } = readReportRequest(input.url, { all: true, branches: [] }, { defaultPreset: "year", timeZone: defaultTimeZone, now: input.now, dimensions: [] });
  const tRep = fixedT(input.language, "reports");
  const fmt = (d: string) => formatLocalDate(d, input.language, "medium");
  const query = { range: request.range, branchIds: null, now: input.now };
  const byId = (id: string) => available.find((k) => k.id === id);

  let referrals: PartnerFigure[] | null = null;
  let funnel: RenderedChart | null = null;
  const referralKpis = referralIds.map(byId).filter((k): k is NonNullable<typeof k> => Boolean(k));
  if (referralKpis.length) {
    referrals = await Promise.all(
      referralKpis.map(async (kpi) => {
        const t = fixedT(input.language, kpi.namespace);
        const figure = await ownRow(runtime, kpi, query, "partner", actor.partnerOrgId, input.language);
        return { id: kpi.id, name: t(kpi.name), definition: t(kpi.definition), value: formatKpiValue(kpi.unit, figure.value, input.language), raw: figure.value, numerator: figure.numerator };
      }),
    );
    const count = (id: string) => referrals!.find((f) => f.id === `hospital-referrals.${id}`)?.numerator ?? 0;
    funnel = renderChart(
      "partner-funnel",
      {
        kind: "funnel",
        title: tRep("partner.funnelTitle"),
        description: tRep("partner.funnelDesc", { from: fmt(request.range.from), to: fmt(request.range.to) }),
        stages: [
          { name: tRep("partner.stages.sent"), value: count("referralsIn") },
          { name: tRep("partner.stages.accepted"), value: count("acceptanceRate") },
          { name: tRep("partner.stages.visited"), value: count("daysToFirstVisit") },
          { name: tRep("partner.stages.backReferred"), value: Math.round(((referrals.find((f) => f.id === "hospital-referrals.backReferralRate")?.raw ?? 0) / 100) * count("daysToFirstVisit")) },
        ],
        language: input.language,
      },
      { category: tRep("table.stage"), stage: tRep("table.stage"), value: tRep("table.value") },
    );
  }

  let sellThrough: PartnerReportView["sellThrough"] = null;
  const lineSales = byId(sellThroughId);
  if (lineSales) {
    const buckets = trendBuckets(request.range);
    const points = await Promise.all(buckets.map(async (b) => ({ label: b.label, ...(await ownRow(runtime, lineSales, { ...query, range: b.range }, "supplier", actor.partnerOrgId, input.language)) })));
    const total = points.reduce((sum, p) => sum + (p.value ?? 0), 0);
    if (total > 0) {
      const format = (v: number) => formatKpiValue("rupiah", v, input.language);
      sellThrough = {
        total: format(total),
        chart: renderChart(
          "partner-sell-through",
          {
            kind: "area",
            title: tRep("partner.sellThroughTitle"),
            description: tRep("partner.sellThroughDesc", { from: fmt(request.range.from), to: fmt(request.range.to) }),
            categories: points.map((p) => p.label),
            series: [{ name: tRep("partner.sellThroughTitle"), values: points.map((p) => p.value) }],
            format,
            language: input.language,
          },
          { category: tRep("table.period"), stage: tRep("table.stage"), value: tRep("table.value") },
        ),
      };
    }
  }
  return { request, problems, periodText: tRep("range.summary", { from: fmt(request.range.from), to: fmt(request.range.to) }), referrals, funnel, sellThrough };
}
