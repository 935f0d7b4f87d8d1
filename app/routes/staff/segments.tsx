import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { listSegments } from "../../core/segments/segments.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "core.segment.manage");
  const rows = await listSegments(context.runtime.db);
  return {
    title: pageTitle(context.language, "staff:segments.title"),
    segments: rows.map((s) => ({ id: s.id, name: s.name, description: s.description, rules: s.rules.length, updatedAt: s.updatedAt.toISOString() })),
    language: context.language,
  };
}

export default function StaffSegments() {
  const { segments, language } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  return (
    <>
      <PageHeader title={t("segments.title")}>
        <Link to="/staff/segments/new" className="button">
          {t("segments.newButton")}
        </Link>
      </PageHeader>
      {params.get("deleted") ? (
        <div className="alert success" role="status">
          {t("segments.deleted")}
        </div>
      ) : null}
      <p className="muted">{t("segments.intro")}</p>
      {segments.length === 0 ? (
        <p className="card muted">{t("segments.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("segments.columns.name")}</th>
              <th>{t("segments.columns.rules")}</th>
              <th>{t("segments.columns.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.id}>
                <td data-label={t("segments.columns.name")}>
                  <Link to={`/staff/segments/${s.id}`}>{s.name}</Link>
                  {s.description ? <div className="muted">{s.description}</div> : null}
                </td>
                <td data-label={t("segments.columns.rules")}>{t("segments.ruleCount", { count: s.rules })}</td>
                <td data-label={t("segments.columns.updated")}>{formatDateTime(s.updatedAt, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
