// /staff/pos/reports/export?format=csv|xlsx&from=&to=&groupBy=&store= — the sales report page's table
// as a file: same permission, same filters, same branches as the page; audited; bad input is a 400.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerReportDownload, downloadFormat, downloadRefused, fixedT, requireStaff } from "../../../app/plugin-api/server.ts";
import { salesReport } from "../sales-history.server.ts";
import { readSalesReportRequest, salesReportTable } from "../sales-report.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-pos.report.read");
  const params = new URL(request.url).searchParams;
  const format = downloadFormat(params);
  if (!format) return downloadRefused(context.language, "format");
  const { request: query, problems } = await readSalesReportRequest(context.runtime.db, actor, params);
  if (problems.length) return downloadRefused(context.language, problems[0]);
  const { from, to, groupBy, store, branchIds } = query;
  const rows = await salesReport(context.runtime.readDb, { from, to, groupBy, branchIds });
  return answerReportDownload(context.runtime.db, actor, {
    report: "retail-pos.sales",
    format,
    filename: `${fixedT(context.language, "retail-pos")("reports.file")}-${groupBy}-${from}-${to}`,
    filters: { from, to, groupBy, store, branchIds },
    tables: [salesReportTable(rows, groupBy, context.language)],
    ip: context.clientIp,
  });
}
