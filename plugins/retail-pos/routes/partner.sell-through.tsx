// /partner/sell-through — a supplier sees how its own products sell; the organisation comes from
// the session, never from the URL.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePartnerOfType, pageTitle } from "../../../app/plugin-api/server.ts";
import { sellThroughPartnerTypes } from "../plugin.ts";
import { PageHeader, formatNumber, formatRupiah, titleMeta } from "../../../app/plugin-api/ui.ts";
import { supplierSellThrough } from "../sales-history.server.ts";

export const handle = { i18n: ["common", "partner", "retail-pos"] };
export const meta = titleMeta;
const days = 90;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requirePartnerOfType(context, request, sellThroughPartnerTypes);
  return { title: pageTitle(context.language, "retail-pos:sellThrough.title"), rows: await supplierSellThrough(context.runtime.db, actor, { from: new Date(Date.now() - days * 86_400_000), to: new Date() }), days };
}

export default function SellThrough() {
  const { rows, days } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  return (
    <>
      <PageHeader title={t("sellThrough.title")} />
      <p className="muted">{t("sellThrough.intro", { days })}</p>
      {rows.length === 0 ? (
        <p className="card muted">{t("sellThrough.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("sellThrough.columns.sku")}</th>
              <th>{t("sellThrough.columns.name")}</th>
              <th>{t("sellThrough.columns.category")}</th>
              <th className="num">{t("sellThrough.columns.units")}</th>
              <th className="num">{t("sellThrough.columns.revenue")}</th>
              <th className="num">{t("sellThrough.columns.stores")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.sku}>
                <td data-label={t("sellThrough.columns.sku")}>{r.sku}</td>
                <td data-label={t("sellThrough.columns.name")}>{r.name}</td>
                <td data-label={t("sellThrough.columns.category")}>{t(`categories.${r.category}`, { defaultValue: r.category })}</td>
                <td className="num" data-label={t("sellThrough.columns.units")}>{formatNumber(r.units, lang)}</td>
                <td className="num" data-label={t("sellThrough.columns.revenue")}>{formatRupiah(r.revenue, lang)}</td>
                <td className="num" data-label={t("sellThrough.columns.stores")}>{formatNumber(r.stores, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
