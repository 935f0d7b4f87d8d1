// The printable management report: every KPI of the management dashboard the user may see, with its
// definition, numerator and denominator and its trend table, for the period and branches in the URL
// (a quarter by default); and the same as a workbook.
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { composedReport, composedReportSheets, type ComposedReport } from "./composed-report.server.ts";
import { dashboards } from "./dashboards.ts";
import { reportWorkbook } from "./report-workbook.server.ts";

export function managementReport(deps: Pick<AppRuntime, "db" | "readDb" | "registry">, actor: Extract<Actor, { kind: "staff" }>, input: { url: URL; language: "id" | "en"; now: Date }) {
  const { kpis, charts, defaultPreset } = dashboards.management;
  return composedReport(deps, actor, { spec: { kpis, charts, defaultPreset }, ...input });
}

export function managementWorkbook(report: ComposedReport, language: "id" | "en") {
  return reportWorkbook(composedReportSheets(report, language));
}
