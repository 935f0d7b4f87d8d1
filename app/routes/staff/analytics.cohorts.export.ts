import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditCohortExport, cohortCsv, cohortExportRows, cohortReport, cohortXlsx } from "../../core/analytics/cohorts.server.ts";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";

// A resource route: the cohort page links here with the same split and range as on screen.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  if (!actor.permissions.has("core.report.export")) forbidden();
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const report = await cohortReport(context.runtime, actor, { url, language: context.language, now: new Date() });
  await auditCohortExport(context.runtime.db, actor, { format, request: report.request, rows: cohortExportRows(report, context.language).rows.length, ip: context.clientIp });
  const filename = `cohort-retention-${report.request.split}-${report.matrix.currentMonth}`;
  const headers = { "Content-Disposition": `attachment; filename="${filename}.${format}"`, "Cache-Control": "private, no-store" };
  if (format === "xlsx") {
    const body = await cohortXlsx(report, context.language);
    return new Response(new Uint8Array(body), { headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
  }
  return new Response(cohortCsv(report, context.language), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
}
