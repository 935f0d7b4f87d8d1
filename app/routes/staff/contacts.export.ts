import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { exportContacts } from "../../core/contacts/contact-export.server.ts";
import { contactFilterSchema } from "../../core/contacts/contact-forms.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { today } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";

// A resource route: the list page links here with its current filter.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.export");
  requireRecentAuth(context, request);
  const filter = contactFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const t = fixedT(context.language, "staff");
  const { stream } = await exportContacts(context.runtime.db, actor, filter, { t, language: context.language, ip: context.clientIp, readDb: context.runtime.readDb });
  const filename = `${t("contacts.export.filename")}-${today(await staffTimeZone(context.runtime.db, actor))}.csv`;
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
