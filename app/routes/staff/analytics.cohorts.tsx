import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AnalyticsTabs, analyticsTabPermissions } from "../../core/analytics/analytics-tabs.tsx";
import { cohortMonthChoices } from "../../core/analytics/cohort-retention.ts";
import { cohortReport } from "../../core/analytics/cohorts.server.ts";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { ChartFigure } from "../../core/charts/chart-figure.tsx";
import { numberLocale } from "../../core/i18n/languages.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "staff", "reports", "analytics"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.report.read");
  const report = await cohortReport(context.runtime, actor, { url: new URL(request.url), language: context.language, now: new Date() });
  return {
    title: pageTitle(context.language, "analytics:cohorts.title"),
    report,
    language: context.language,
    canExport: actor.permissions.has("core.report.export"),
    tabs: analyticsTabPermissions(actor.permissions),
  };
}

export default function CohortRetentionPage() {
  const { report, language, canExport, tabs } = useLoaderData<typeof loader>();
  const { t } = useTranslation("analytics");
  const { matrix, request } = report;
  const percent = new Intl.NumberFormat(numberLocale(language), { style: "percent", maximumFractionDigits: 1 });
  const query = `split=${request.split}&months=${request.months}`;
  const groups = [...new Set(matrix.rows.map((r) => r.group ?? ""))];
  return (
    <>
      <PageHeader title={t("cohorts.title")} />
      <AnalyticsTabs permissions={tabs} />
      <p>{t("cohorts.intro")}</p>
      {report.scopedToBranch ? <p className="muted">{t("cohorts.scopedNote")}</p> : null}
      {report.problems.map((p) => (
        <div key={p} className="alert warn" role="status">
          {t(`cohorts.problems.${p}`)}
        </div>
      ))}
      <form method="get" className="report-filters card">
        <label>
          {t("cohorts.split")}
          <select name="split" defaultValue={request.split}>
            {report.splits.map((s) => (
              <option key={s} value={s}>
                {t(`cohorts.splits.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("cohorts.months")}
          <select name="months" defaultValue={String(request.months)}>
            {cohortMonthChoices.map((m) => (
              <option key={m} value={m}>
                {t("cohorts.monthsOption", { count: m })}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("cohorts.show")}</button>
      </form>
      {matrix.rows.length === 0 ? (
        <p className="muted">{t("cohorts.empty")}</p>
      ) : (
        <>
          {canExport ? (
            <p>
              {t("cohorts.export.label")}: <a href={`/staff/analytics/cohorts/export?format=csv&${query}`}>{t("cohorts.export.csv")}</a>
              {" · "}
              <a href={`/staff/analytics/cohorts/export?format=xlsx&${query}`}>{t("cohorts.export.xlsx")}</a>
            </p>
          ) : null}
          {groups.map((group, gi) => (
            <section key={group} className="card">
              <ChartFigure chart={report.charts[gi]} tableLabel={t("reports:viewAsTable")} />
              <div className="table-scroll">
                <table className="data cohort-matrix">
                  <caption>{request.split === "none" ? t("cohorts.chartTitle") : t("cohorts.chartTitleGroup", { group: report.groupLabels[group] })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("cohorts.table.cohort")}</th>
                      <th scope="col">{t("cohorts.table.size")}</th>
                      {Array.from({ length: matrix.months }, (_, k) => (
                        <th key={k} scope="col">
                          {t("cohorts.table.month", { month: k })}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {matrix.rows
                      .filter((r) => (r.group ?? "") === group)
                      .map((r) => (
                        <tr key={r.cohort}>
                          <th scope="row">{report.monthLabels[r.cohort]}</th>
                          <td>{r.size}</td>
                          {r.cells.map((c, k) =>
                            c ? (
                              <td key={k} title={c.unfinished ? t("cohorts.table.unfinished") : undefined}>
                                {t("cohorts.table.cell", { share: percent.format(c.share), retained: c.retained, size: r.size })}
                                {c.unfinished ? <abbr title={t("cohorts.table.unfinished")}> *</abbr> : null}
                              </td>
                            ) : (
                              <td key={k}>–</td>
                            ),
                          )}
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
              <p className="muted">{t("cohorts.unfinishedNote")}</p>
            </section>
          ))}
        </>
      )}
    </>
  );
}
