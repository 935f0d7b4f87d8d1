// What the model check page shows of a stored run: the chart (drawn on the server) and the figures,
// all finite and formatted in the reader's language.
import { renderChart } from "../charts/charts.server.ts";
import type { RenderedChart } from "../charts/chart-types.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import { numberLocale, type Language } from "../i18n/languages.ts";
import { formatLocalDate } from "../time/format-time.ts";
import { isoOfDay } from "./customer-summary.ts";
import type { ModelCheckResult } from "./model-check.ts";

export interface ModelCheckView {
  chart: RenderedChart;
  calibrationFrom: string;
  calibrationTo: string;
  holdoutFrom: string;
  holdoutTo: string;
  /** "+12.3 %" style, or null when there were no holdout transactions. */
  relativeError: string | null;
  poorFit: boolean;
}

export function modelCheckView(result: ModelCheckResult, language: Language): ModelCheckView {
  const t = fixedT(language, "analytics");
  const number = new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: 1 });
  const signedPercent = new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 1, signDisplay: "always" });
  const date = (day: number) => formatLocalDate(isoOfDay(day), language, "medium");
  const chart = renderChart(
    "model-check-cumulative",
    {
      kind: "line",
      title: t("model.chart.title"),
      description: t("model.chart.description", { calibrationEnd: date(result.calibrationEnd) }),
      categories: result.weeks.map((w) => date(w.day)),
      series: [
        { name: t("model.chart.actual"), values: result.weeks.map((w) => w.cumulativeActual) },
        { name: t("model.chart.predicted"), values: result.weeks.map((w) => Math.round(w.cumulativePredicted * 10) / 10) },
      ],
      format: (v) => number.format(v),
    },
    { category: t("model.chart.category"), stage: "", value: "" },
  );
  return {
    chart,
    calibrationFrom: date(result.data.firstDay),
    calibrationTo: date(result.calibrationEnd),
    holdoutFrom: date(result.calibrationEnd + 1),
    holdoutTo: date(result.holdoutEnd),
    relativeError: result.holdout.relativeError === null ? null : signedPercent.format(result.holdout.relativeError),
    poorFit: result.warnings.includes("holdoutError") || result.warnings.includes("noHoldoutTransactions"),
  };
}
