import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { managementReport } from "../../core/reports/management-report.server.ts";
import { formatKpiValue } from "../../core/reports/kpi-format.ts";
import { requestQuery } from "../../core/reports/report-query.ts";
import { ChartGrid, KpiTiles, ReportFilters, ReportProblems } from "../../core/reports/report-view.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "staff", "reports"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  const now = new Date();
  const report = await managementReport(context.runtime, actor, { url: new URL(request.url), language: context.language, now });
  return { title: pageTitle(context.language, "reports:management.title"), report, language: context.language, generatedAt: now.toISOString(), canExport: actor.permissions.has("core.report.export"), query: requestQuery(report.request) };
}

export default function ManagementReportPage() {
  const { report, language, generatedAt, canExport, query } = useLoaderData<typeof loader>();
  const { t } = useTranslation("reports");
  return (
    <div className="management-report">
      <PageHeader title={t("management.title")} />
      <ReportFilters request={report.request} branches={report.branches} allBranches={report.allBranches} />
      <ReportProblems problems={report.problems} />
      <p>
        <strong>{report.periodText}</strong> · {report.branchName ?? (report.allBranches ? t("branch.all") : t("branch.allMine"))}
        <br />
        <span className="muted">
          {report.previousText} · {t("management.generated", { at: formatDateTime(generatedAt, language, report.request.timeZone) })}
        </span>
      </p>
      <p className="no-print muted">
        {t("management.printHint")}
        {canExport ? (
          <>
            {" · "}
            <a href={`/staff/reports/management/export?${query}`}>{t("management.download")}</a>
          </>
        ) : null}
      </p>
      <KpiTiles tiles={report.tiles} label={t("management.title")} />
      <ChartGrid charts={report.charts} />
      <h2>{t("management.definitions")}</h2>
      {report.sections.map((section) => (
        <section key={section.id} className="card report-section">
          <h3>{section.name}</h3>
          <p>{section.definition}</p>
          <p className="muted">
            {t("tile.numerator", { numerator: section.numeratorLabel })}
            {section.denominatorLabel ? ` · ${t("tile.denominator", { denominator: section.denominatorLabel })}` : ""}
          </p>
          <div className="table-scroll">
            <table className="report-table">
              <thead>
                <tr>
                  <th scope="col">{section.table.columns.key}</th>
                  {section.table.columns.numerator ? <th scope="col">{section.table.columns.numerator}</th> : null}
                  {section.table.columns.denominator ? <th scope="col">{section.table.columns.denominator}</th> : null}
                  <th scope="col">{section.table.columns.value}</th>
                </tr>
              </thead>
              <tbody>
                {section.table.rows.map((r) => (
                  <tr key={r.key}>
                    <th scope="row">{r.label}</th>
                    {section.table.columns.numerator ? <td>{formatKpiValue("count", r.numerator, language)}</td> : null}
                    {section.table.columns.denominator ? <td>{formatKpiValue("count", r.denominator, language)}</td> : null}
                    <td>{formatKpiValue(section.unit, r.value, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
