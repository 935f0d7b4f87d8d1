import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatNumber, PageHeader, ReportDownloadLinks, titleMeta } from "../../../app/plugin-api/ui.ts";
import { readReferralReportRequest, referralReport, type ReferralReportTotals } from "../reports.server.ts";

export const handle = { i18n: ["reports", "hospital-referrals"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-referrals.referral.read");
  // a bad filter shows the default; only the branches the user may see (as the export)
  const { request: query } = await readReferralReportRequest(context.runtime.db, actor, new URL(request.url).searchParams);
  const { from, to, direction } = query;
  // a report: from the read replica when there is one (ADR 024)
  const report = await referralReport(context.runtime.readDb, query);
  return { title: pageTitle(context.language, "hospital-referrals:reports.title"), from, to, direction, ...report, language: context.language };
}

export default function ReferralReports() {
  const { from, to, direction, rows, totals, language } = useLoaderData<typeof loader>();
  const { t } = useTranslation("hospital-referrals");
  const rate = (v: number | null) => (v === null ? "—" : t("reports.percent", { value: formatNumber(v, language) }));
  const hours = (v: number | null) => (v === null ? "—" : t("reports.hours", { value: formatNumber(v, language) }));
  const cells = (r: ReferralReportTotals) => (
    <>
      <td data-label={t("reports.columns.sent")}>{formatNumber(r.sent, language)}</td>
      <td data-label={t("reports.columns.accepted")}>{formatNumber(r.accepted, language)}</td>
      <td data-label={t("reports.columns.rejected")}>{formatNumber(r.rejected, language)}</td>
      <td data-label={t("reports.columns.pending")}>{formatNumber(r.pending, language)}</td>
      <td data-label={t("reports.columns.acceptanceRate")}>{rate(r.acceptanceRate)}</td>
      <td data-label={t("reports.columns.medianToAccept")}>{hours(r.medianHoursToAccept)}</td>
      <td data-label={t("reports.columns.avgToAccept")}>{hours(r.avgHoursToAccept)}</td>
    </>
  );
  const head = (
    <>
      <th>{t("reports.columns.sent")}</th>
      <th>{t("reports.columns.accepted")}</th>
      <th>{t("reports.columns.rejected")}</th>
      <th>{t("reports.columns.pending")}</th>
      <th>{t("reports.columns.acceptanceRate")}</th>
      <th>{t("reports.columns.medianToAccept")}</th>
      <th>{t("reports.columns.avgToAccept")}</th>
    </>
  );
  return (
    <>
      <PageHeader title={t("reports.title")}>
        <Link to="/staff/referrals">{t("list.title")}</Link>
      </PageHeader>
      <p className="muted small">{t("reports.hint")}</p>
      <Form method="get" className="toolbar filters">
        <div className="field">
          <label htmlFor="report-from">{t("reports.from")}</label>
          <input id="report-from" type="month" name="from" defaultValue={from} />
        </div>
        <div className="field">
          <label htmlFor="report-to">{t("reports.to")}</label>
          <input id="report-to" type="month" name="to" defaultValue={to} />
        </div>
        <div className="field">
          <label htmlFor="report-direction">{t("reports.direction")}</label>
          <select id="report-direction" name="direction" defaultValue={direction ?? ""}>
            <option value="">{t("reports.bothDirections")}</option>
            <option value="incoming">{t("direction.incoming")}</option>
            <option value="outgoing">{t("direction.outgoing")}</option>
          </select>
        </div>
        <button type="submit">{t("list.filter")}</button>
      </Form>
      <ReportDownloadLinks href="/staff/referrals/reports/export" query={{ from, to, direction }} />
      <section className="card stack" aria-labelledby="report-totals">
        <h2 id="report-totals">{t("reports.totals")}</h2>
        {totals.length === 0 ? (
          <p className="muted">{t("reports.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("reports.columns.direction")}</th>
                {head}
              </tr>
            </thead>
            <tbody>
              {totals.map((r) => (
                <tr key={r.direction}>
                  <td data-label={t("reports.columns.direction")}>{t(`direction.${r.direction}`)}</td>
                  {cells(r)}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {rows.length ? (
        <section className="card stack" aria-labelledby="report-rows">
          <h2 id="report-rows">{t("reports.byMonth")}</h2>
          <table className="data">
            <thead>
              <tr>
                <th>{t("reports.columns.month")}</th>
                <th>{t("reports.columns.partner")}</th>
                <th>{t("reports.columns.direction")}</th>
                {head}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.month}|${r.partnerOrgId}|${r.direction}`}>
                  <td data-label={t("reports.columns.month")}>{new Intl.DateTimeFormat(language === "en" ? "en-GB" : "id-ID", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${r.month}-01T00:00:00Z`))}</td>
                  <td data-label={t("reports.columns.partner")}>{r.partnerName}</td>
                  <td data-label={t("reports.columns.direction")}>{t(`direction.${r.direction}`)}</td>
                  {cells(r)}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
