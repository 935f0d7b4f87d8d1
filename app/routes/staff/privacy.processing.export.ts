import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { audit } from "../../core/audit/audit.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { processingRecord, processingRecordWorkbook } from "../../core/privacy/processing-record.server.ts";

// A resource route: the record of processing activities as XLSX.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.privacy.manage");
  const t = fixedT(context.language);
  const body = await processingRecordWorkbook(processingRecord(context.runtime.registry.purposes(), context.language, t), t);
  await audit(context.runtime.db, actor, { action: "privacy.ropa.exported", ip: context.clientIp });
  return new Response(body as BodyInit, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="ropa-${context.language}.xlsx"`,
      "Cache-Control": "private, no-store",
    },
  });
}
