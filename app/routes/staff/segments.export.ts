import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, notFound, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { today } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { availableSegmentFields, exportSegment, getSegment, segmentCondition } from "../../core/segments/segments.server.ts";

// A resource route: the segment page links here; the members are computed now, like on the page.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.segment.manage");
  if (!actor.permissions.has("core.contact.export")) forbidden();
  requireRecentAuth(context, request);
  const { db, readDb, registry } = context.runtime;
  // the segment as its user just saved it: from the primary; its members from the read replica
  const segment = await getSegment(db, params.segmentId ?? "");
  if (!segment) notFound();
  const t = fixedT(context.language, "staff");
  const condition = segmentCondition(segment, await availableSegmentFields(db, registry, actor, t));
  if (!condition.ok) throw new Response(t("segments.unavailableTitle"), { status: 409 });
  const { stream } = await exportSegment(db, actor, segment, condition.where, { t, language: context.language, ip: context.clientIp, readDb });
  const slug = segment.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || t("segments.export.filename");
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${slug}-${today(await staffTimeZone(db, actor))}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
