import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { exportSnapshotScores } from "../../core/analytics/rfm-export.server.ts";
import { snapshotRun } from "../../core/analytics/rfm-reading.server.ts";
import { analyticsScoresPermission } from "../../core/analytics/rfm-snapshots.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { isLocalDate } from "../../core/time/local-time.ts";

// A resource route: scores of one snapshot (the newest by default) as CSV; audited (profiling).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, analyticsScoresPermission);
  if (!actor.permissions.has("core.contact.export")) forbidden();
  requireRecentAuth(context, request);
  const t = fixedT(context.language, "analytics");
  const asked = new URL(request.url).searchParams.get("date");
  if (asked !== null && !isLocalDate(asked)) throw new Response(t("rfm.errors.unknownSnapshot"), { status: 400 });
  const run = await snapshotRun(context.runtime.db, asked);
  if (!run) throw new Response(asked ? t("rfm.errors.unknownSnapshot") : t("rfm.none"), { status: 404 });
  const stream = await exportSnapshotScores(context.runtime.db, actor, run, { t, ip: context.clientIp });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="rfm-${run.snapshotDate}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
