import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { auditFilterSchema } from "../../core/audit/audit-forms.ts";
import { auditExportRows } from "../../core/audit/audit-log.server.ts";
import { requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { recordCsv, recordXlsx, type RecordTable } from "../../core/reports/report-export.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { today } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";

// A resource route: the audit page links here with its filter. The log names people and their
// addresses, so taking it out asks for a recent proof of identity, as other exports do.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.audit.read");
  requireRecentAuth(context, request);
  const params = new URL(request.url).searchParams;
  const t = fixedT(context.language, "privacy");
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) return data({ error: t("audit.errors.filter") }, { status: 400 });
  const format = params.get("format") === "xlsx" ? "xlsx" : "csv";
  const db = context.runtime.db;
  const tz = await staffTimeZone(db, actor);
  const rows = await auditExportRows(db, actor, { ...parsed.data, before: undefined }, { tz, format, ip: context.clientIp });
  const c = (k: string) => t(`audit.columns.${k}`);
  const table: RecordTable = {
    title: t("audit.title"),
    columns: [
      { key: "id", header: "id", width: 10 },
      { key: "atUtc", header: c("atUtc"), width: 22 },
      { key: "atLocal", header: c("at"), width: 24 },
      { key: "actorKind", header: c("actorKind"), width: 12 },
      { key: "actorEmail", header: c("actorEmail"), width: 28 },
      { key: "actorName", header: c("actorName"), width: 24 },
      { key: "action", header: c("action"), width: 28 },
      { key: "entityType", header: c("entityType"), width: 16 },
      { key: "entityId", header: c("entityId"), width: 38 },
      { key: "ip", header: c("ip"), width: 16 },
      { key: "data", header: c("details"), width: 60 },
    ],
    rows: rows.map((r) => ({
      id: r.id,
      atUtc: r.at.toISOString(),
      atLocal: formatDateTime(r.at, context.language, tz),
      actorKind: r.actorKind,
      actorEmail: r.actorEmail,
      actorName: r.actorName,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      ip: r.ip,
      data: r.data ? JSON.stringify(r.data) : null,
    })),
  };
  const filename = `audit-log-${today(tz)}.${format}`;
  const headers = { "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" };
  if (format === "xlsx") {
    return new Response(new Uint8Array(await recordXlsx(table)), { headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
  }
  return new Response(recordCsv(table), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
}
