import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { kpiReport } from "../../core/reports/kpi-report.server.ts";
import { auditReportExport, reportCsv, reportXlsx } from "../../core/reports/report-export.server.ts";

// A resource route: the KPI page links here with the same period, branch and split as on screen.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  if (!actor.permissions.has("core.report.export")) forbidden();
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const report = await kpiReport(context.runtime, actor, { kpiId: params.kpiId ?? "", url, language: context.language, now: new Date() });
  if (!report) notFound();
  await auditReportExport(context.runtime.db, actor, { kpiId: report.kpiId, format, request: report.request, rows: report.table.rows.length, ip: context.clientIp });
  const filename = `${report.kpiId.replace(/[^A-Za-z0-9.-]/g, "-")}-${report.request.range.from}-${report.request.range.to}`;
  const headers = { "Content-Disposition": `attachment; filename="${filename}.${format}"`, "Cache-Control": "private, no-store" };
  if (format === "xlsx") {
    const body = await reportXlsx([report.table]);
    return new Response(new Uint8Array(body), { headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
  }
  return new Response(reportCsv(report.table), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
}
