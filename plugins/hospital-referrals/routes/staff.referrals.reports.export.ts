// /staff/referrals/reports/export?format=csv|xlsx&from=YYYY-MM&to=YYYY-MM&direction= — the referral
// report page's tables as a file (a sheet each in XLSX): same permission, filters and branches as the
// page; audited; bad input is a translated 400.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerReportDownload, downloadFormat, downloadRefused, fixedT, requireStaff } from "../../../app/plugin-api/server.ts";
import { readReferralReportRequest, referralReport, referralReportTables } from "../reports.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-referrals.referral.read");
  const params = new URL(request.url).searchParams;
  const format = downloadFormat(params);
  if (!format) return downloadRefused(context.language, "format");
  const { request: query, problems } = await readReferralReportRequest(context.runtime.db, actor, params);
  if (problems.length) return downloadRefused(context.language, problems[0]);
  const report = await referralReport(context.runtime.readDb, query);
  return answerReportDownload(context.runtime.db, actor, {
    report: "hospital-referrals.referrals",
    format,
    filename: `${fixedT(context.language, "hospital-referrals")("reports.file")}-${query.from}-${query.to}`,
    filters: { from: query.from, to: query.to, direction: query.direction, branchIds: query.branchIds },
    tables: referralReportTables(report, context.language),
    ip: context.clientIp,
  });
}
