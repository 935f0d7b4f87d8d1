import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { audit } from "../../core/audit/audit.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { getIncident, incidentManagePermission, incidentReportWorkbook } from "../../core/privacy/breach-register.server.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";

// A resource route: the breach report and its list of affected people as XLSX.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const db = context.runtime.db;
  const detail = await getIncident(db, params.incidentId ?? "");
  if (!detail) notFound();
  // the file names the people affected: like every export of people, only shortly after signing in
  requireRecentAuth(context, request);
  const body = await incidentReportWorkbook(detail, context.language, await staffTimeZone(db, actor), fixedT(context.language, "privacy"));
  await audit(db, actor, { action: "privacy.incident.report_exported", entityType: "privacy_incident", entityId: detail.incident.id, ip: context.clientIp });
  return new Response(body as BodyInit, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="breach-report-${detail.incident.id.slice(0, 8)}-${context.language}.xlsx"`,
      "Cache-Control": "private, no-store",
    },
  });
}
