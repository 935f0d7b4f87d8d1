import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";
import { managementReport, managementWorkbook } from "../../core/reports/management-report.server.ts";
import { auditReportExport } from "../../core/reports/report-export.server.ts";

// The management report as one workbook: a summary sheet and one sheet per KPI, same period and branch as the page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  if (!actor.permissions.has("core.report.export")) forbidden();
  const report = await managementReport(context.runtime, actor, { url: new URL(request.url), language: context.language, now: new Date() });
  const body = await managementWorkbook(report, context.language);
  await auditReportExport(context.runtime.db, actor, { kpiId: "management", format: "xlsx", request: report.request, rows: report.sections.length, ip: context.clientIp });
  const filename = `${context.language === "id" ? "laporan-manajemen" : "management-report"}-${report.request.range.from}-${report.request.range.to}.xlsx`;
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
