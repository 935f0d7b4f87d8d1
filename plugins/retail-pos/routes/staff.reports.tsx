// /staff/pos/reports — net sales per store, product, category or day, aggregated in SQL.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle, requireStaff } from "../../../app/plugin-api/server.ts";
import { PageHeader, ReportDownloadLinks, formatNumber, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { salesReport } from "../sales-history.server.ts";
import { readSalesReportRequest } from "../sales-report.server.ts";

export const handle = { i18n: ["common", "staff", "reports", "retail-pos"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "retail-pos.report.read");
  // a bad filter shows the default; only the stores of the branches the user may see (as the export)
  const { request: query, stores } = await readSalesReportRequest(context.runtime.db, actor, new URL(request.url).searchParams);
  const { from, to, groupBy } = query;
  // each sale counts on its own store's calendar day
  // a report: from the read replica when there is one (ADR 024)
  const rows = await salesReport(context.runtime.readDb, { from, to, groupBy, branchIds: query.branchIds });
  return { title: pageTitle(context.language, "retail-pos:reports.title"), rows, from, to, groupBy, store: query.store ?? "", stores };
}

export default function SalesReport() {
  const { rows, from, to, groupBy, store, stores } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  const totals = rows.reduce((s, r) => ({ receipts: s.receipts + r.receipts, gross: s.gross + r.gross, refunds: s.refunds + r.refunds, net: s.net + r.net }), { receipts: 0, gross: 0, refunds: 0, net: 0 });
  const byLine = groupBy === "product" || groupBy === "category";
  const label = (key: string) => (groupBy === "category" ? t(`categories.${key}`, { defaultValue: key }) : key);
  return (
    <>
      <PageHeader title={t("reports.title")} />
      <Form method="get" className="card filters">
        <div className="grid four">
          <div className="field">
            <label htmlFor="from">{t("reports.from")}</label>
            <input id="from" name="from" type="date" defaultValue={from} />
          </div>
          <div className="field">
            <label htmlFor="to">{t("reports.to")}</label>
            <input id="to" name="to" type="date" defaultValue={to} />
          </div>
          <div className="field">
            <label htmlFor="groupBy">{t("reports.groupBy")}</label>
            <select id="groupBy" name="groupBy" defaultValue={groupBy}>
              {(["store", "product", "category", "day"] as const).map((g) => (
                <option key={g} value={g}>
                  {t(`reports.groups.${g}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="store">{t("reports.store")}</label>
            <select id="store" name="store" defaultValue={store}>
              <option value="">{t("reports.allStores")}</option>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="primary">
          {t("reports.show")}
        </button>
      </Form>
      <ReportDownloadLinks href="/staff/pos/reports/export" query={{ from, to, groupBy, store }} />
      {rows.length === 0 ? (
        <p className="card muted">{t("reports.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t(`reports.groups.${groupBy}`)}</th>
              <th className="num">{t("reports.columns.receipts")}</th>
              {byLine ? <th className="num">{t("reports.columns.units")}</th> : null}
              <th className="num">{t("reports.columns.gross")}</th>
              {byLine ? null : <th className="num">{t("reports.columns.refunds")}</th>}
              <th className="num">{t("reports.columns.net")}</th>
              <th className="num">{t("reports.columns.shoppers")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td data-label={t(`reports.groups.${groupBy}`)}>{label(r.key)}</td>
                <td className="num" data-label={t("reports.columns.receipts")}>{formatNumber(r.receipts, lang)}</td>
                {byLine ? <td className="num" data-label={t("reports.columns.units")}>{formatNumber(r.units ?? 0, lang)}</td> : null}
                <td className="num" data-label={t("reports.columns.gross")}>{formatRupiah(r.gross, lang)}</td>
                {byLine ? null : <td className="num" data-label={t("reports.columns.refunds")}>{formatRupiah(r.refunds, lang)}</td>}
                <td className="num" data-label={t("reports.columns.net")}>{formatRupiah(r.net, lang)}</td>
                <td className="num" data-label={t("reports.columns.shoppers")}>{formatNumber(r.shoppers, lang)}</td>
              </tr>
            ))}
          </tbody>
          {byLine ? null : (
            <tfoot>
              <tr>
                <th>{t("reports.total")}</th>
                <td className="num" data-label={t("reports.columns.receipts")}>{formatNumber(totals.receipts, lang)}</td>
                <td className="num" data-label={t("reports.columns.gross")}>{formatRupiah(totals.gross, lang)}</td>
                <td className="num" data-label={t("reports.columns.refunds")}>{formatRupiah(totals.refunds, lang)}</td>
                <td className="num" data-label={t("reports.columns.net")}>{formatRupiah(totals.net, lang)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      )}
    </>
  );
}
