import type { LoaderFunctionArgs } from "@remix-run/node";
import { atRiskCsv, atRiskList, auditAtRiskExport } from "../../core/analytics/at-risk.server.ts";
import { forbidden, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";

// Scores leaving the system are profiling data: every export is audited (UU PDP).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.scores.view");
  // the file names people: it leaves with those who may export contacts
  if (!actor.permissions.has("core.contact.export")) forbidden();
  requireRecentAuth(context, request);
  const timeZone = await staffTimeZone(context.runtime.db, actor);
  const list = await atRiskList(context.runtime, actor, { timeZone, now: new Date() });
  if (!list.ok) return new Response(null, { status: 303, headers: { Location: "/staff/analytics/at-risk" } });
  await auditAtRiskExport(context.runtime.db, actor, { rows: list.rows.length, ip: context.clientIp });
  return new Response(atRiskCsv(list, context.language), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="at-risk-${list.today}.csv"`, "Cache-Control": "private, no-store" },
  });
}
