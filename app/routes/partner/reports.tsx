import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ChartFigure } from "../../core/charts/chart-figure.tsx";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { partnerReport } from "../../core/reports/partner-report.server.ts";
import { ReportProblems } from "../../core/reports/report-view.tsx";
import { rangePresets } from "../../core/time/local-time.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "partner", "reports"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  return { title: pageTitle(context.language, "reports:partner.title"), report: await partnerReport(context.runtime, actor, { url: new URL(request.url), language: context.language, now: new Date() }) };
}

export default function PartnerReports() {
  const { report } = useLoaderData<typeof loader>();
  const { t } = useTranslation("reports");
  return (
    <>
      <PageHeader title={t("partner.title")} />
      <form method="get" className="report-filters card">
        <label>
          {t("range.label")}
          <select name="range" defaultValue={report.request.preset}>
            {[...rangePresets, "custom" as const].map((p) => (
              <option key={p} value={p}>
                {t(`range.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("range.from")}
          <input type="date" name="from" defaultValue={report.request.range.from} />
        </label>
        <label>
          {t("range.to")}
          <input type="date" name="to" defaultValue={report.request.range.to} />
        </label>
        <button type="submit" className="button">
          {t("range.apply")}
        </button>
      </form>
      <ReportProblems problems={report.problems} />
      <p className="muted">{report.periodText}</p>
      {report.referrals ? (
        <section aria-label={t("partner.referralsTitle")}>
          <h2>{t("partner.referralsTitle")}</h2>
          <div className="kpi-tiles">
            {report.referrals.map((f) => (
              <div key={f.id} className="card kpi-tile" tabIndex={0} aria-describedby={`tip-${f.id.replace(/[^A-Za-z0-9-]/g, "-")}`}>
                <span className="stat-label">{f.name}</span>
                <span className="stat">{f.value}</span>
                <span className="kpi-tip" role="tooltip" id={`tip-${f.id.replace(/[^A-Za-z0-9-]/g, "-")}`}>
                  {f.definition}
                </span>
              </div>
            ))}
          </div>
          {report.funnel ? (
            <div className="card">
              <ChartFigure chart={report.funnel} tableLabel={t("viewAsTable")} />
            </div>
          ) : null}
        </section>
      ) : null}
      {report.sellThrough ? (
        <section className="card" aria-label={t("partner.sellThroughTitle")}>
          <h2>{t("partner.sellThroughTitle")}</h2>
          <p className="stat">{report.sellThrough.total}</p>
          <ChartFigure chart={report.sellThrough.chart} tableLabel={t("viewAsTable")} />
        </section>
      ) : null}
      {!report.referrals && !report.sellThrough ? <p className="muted">{t("noData")}</p> : null}
    </>
  );
}
