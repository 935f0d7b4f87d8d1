import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ChartFigure } from "../../core/charts/chart-figure.tsx";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { requestQuery } from "../../core/reports/report-query.ts";
import { formatKpiValue } from "../../core/reports/kpi-format.ts";
import { kpiReport } from "../../core/reports/kpi-report.server.ts";
import { KpiTiles, ReportFilters, ReportProblems } from "../../core/reports/report-view.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "reports"] };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.report.name) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  const report = await kpiReport(context.runtime, actor, { kpiId: params.kpiId ?? "", url: new URL(request.url), language: context.language, now: new Date() });
  if (!report) notFound();
  const exportQuery = requestQuery(report.request, report.request.dimension ? { dimension: report.request.dimension } : {});
  return { report, language: context.language, canExport: actor.permissions.has("core.report.export"), exportQuery };
}

export default function KpiReportPage() {
  const { report, language, canExport, exportQuery } = useLoaderData<typeof loader>();
  const { t } = useTranslation("reports");
  const { table } = report;
  return (
    <>
      <PageHeader title={report.name} />
      <p>
        <a href={`/staff?${requestQuery(report.request)}`}>{t("detail.back")}</a>
      </p>
      <ReportFilters
        request={report.request}
        branches={report.branches}
        allBranches={report.allBranches}
        dimensions={{ current: report.request.dimension, ids: report.dimensions }}
      />
      <ReportProblems problems={report.problems} />
      <p className="muted">{report.periodText}</p>
      <p>{report.tile.definition}</p>
      <KpiTiles tiles={[report.tile]} label={report.name} />
      {report.chart ? (
        <div className="card">
          <ChartFigure chart={report.chart} tableLabel={t("viewAsTable")} />
        </div>
      ) : null}
      <section className="card">
        <h2>{table.title}</h2>
        {canExport ? (
          <p>
            {t("export.label")}: <a href={`/staff/reports/kpi/${encodeURIComponent(report.kpiId)}/export?format=csv&${exportQuery}`}>{t("export.csv")}</a>
            {" · "}
            <a href={`/staff/reports/kpi/${encodeURIComponent(report.kpiId)}/export?format=xlsx&${exportQuery}`}>{t("export.xlsx")}</a>
          </p>
        ) : null}
        {table.rows.length === 0 ? (
          <p className="muted">{t("noData")}</p>
        ) : (
          <div className="chart-table">
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{table.columns.key}</th>
                    {table.columns.numerator ? <th scope="col">{table.columns.numerator}</th> : null}
                    {table.columns.denominator ? <th scope="col">{table.columns.denominator}</th> : null}
                    <th scope="col">{table.columns.value}</th>
                  </tr>
                </thead>
                <tbody>
                  {table.rows.map((r) => (
                    <tr key={r.key}>
                      <th scope="row">{r.label}</th>
                      {table.columns.numerator ? <td>{formatKpiValue("count", r.numerator, language)}</td> : null}
                      {table.columns.denominator ? <td>{formatKpiValue("count", r.denominator, language)}</td> : null}
                      <td>{formatKpiValue(table.unit, r.value, language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </section>
      {report.hasRecords ? (
        <section className="card">
          <h2>{t("detail.records")}</h2>
          <p className="muted">{t("detail.recordsNote", { count: 50 })}</p>
          {report.records.length === 0 ? (
            <p className="muted">{t("noData")}</p>
          ) : (
            <ul className="kpi-records">
              {report.records.map((r, i) => (
                <li key={`${r.href}-${i}`}>
                  <a href={r.href}>{r.label}</a>
                  {r.detail ? <span className="muted"> · {r.detail}</span> : null}
                  {r.at ? <span className="muted"> · {formatDateTime(r.at, language, report.request.timeZone)}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}
