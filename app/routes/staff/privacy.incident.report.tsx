import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { audit } from "../../core/audit/audit.server.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import { getIncident, incidentManagePermission, incidentReportLines } from "../../core/privacy/breach-register.server.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

// The report for the authority (UU PDP Art 46(2)), laid out to print or save as PDF from the browser.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const db = context.runtime.db;
  const detail = await getIncident(db, params.incidentId ?? "");
  if (!detail) notFound();
  const timeZone = await staffTimeZone(db, actor);
  await audit(db, actor, { action: "privacy.incident.report_viewed", entityType: "privacy_incident", entityId: detail.incident.id, ip: context.clientIp });
  return { title: pageTitle(context.language, "privacy:breach.report.heading"), id: detail.incident.id, lines: incidentReportLines(detail, context.language, timeZone, fixedT(context.language, "privacy")) };
}

export default function IncidentReport() {
  const { id, lines } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  return (
    <article className="print-report">
      <p className="no-print">
        <Link to={`/staff/privacy/incidents/${id}`}>← {t("breach.report.back")}</Link>
        {" · "}
        <a href={`/staff/privacy/incidents/${id}/report.xlsx`} download>
          {t("breach.report.download")}
        </a>
      </p>
      <h1>{t("breach.report.heading")}</h1>
      <p className="muted">{t("breach.report.intro")}</p>
      <table className="data">
        <tbody>
          {lines.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td style={{ whiteSpace: "pre-wrap" }}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="no-print muted">{t("breach.report.printHint")}</p>
    </article>
  );
}
