// /portal/receipts — the signed-in shopper's own digital receipts (the contact comes from the session).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer, pageTitle } from "../../../app/plugin-api/server.ts";
import { PageHeader, formatDateTime, formatNumber, formatRupiah, zoneOrDefault, titleMeta } from "../../../app/plugin-api/ui.ts";
import { listOwnReceipts } from "../sales-history.server.ts";

export const handle = { i18n: ["common", "portal", "retail-pos"] };
export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  return { title: pageTitle(context.language, "retail-pos:receipts.title"), ...(await listOwnReceipts(context.runtime.db, actor, { before: new URL(request.url).searchParams.get("before") })) };
}

export default function Receipts() {
  const { receipts, next } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  return (
    <>
      <PageHeader title={t("receipts.title")} />
      {receipts.length === 0 ? <p className="card muted">{t("receipts.empty")}</p> : null}
      <ul className="receipts">
        {receipts.map((r) => (
          <li key={r.id} className="card receipt">
            <div className="receipt-head">
              <strong>{r.store}</strong>
              <span className={r.kind === "refund" ? "badge off" : "badge"}>{t(`receipts.${r.kind}`)}</span>
            </div>
            <p className="muted">
              {formatDateTime(r.occurredAt, lang, zoneOrDefault(r.timeZone))} · {t("receipts.receipt", { number: r.receiptNo })}
            </p>
            {r.lines.length ? (
              <table className="receipt-lines">
                <tbody>
                  {r.lines.map((l, i) => (
                    <tr key={i}>
                      <td>
                        {l.name}
                        <br />
                        <span className="muted">
                          {formatNumber(l.quantity, lang)} × {formatRupiah(l.unitPrice, lang)}
                          {l.discount ? ` · ${t("receipts.discount", { amount: formatRupiah(l.discount, lang) })}` : ""}
                        </span>
                      </td>
                      <td className="num">{formatRupiah(l.amount, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <p className="receipt-total">
              <span>{t("receipts.total")}</span> <strong>{formatRupiah(r.kind === "refund" ? -r.total : r.total, lang)}</strong>
            </p>
          </li>
        ))}
      </ul>
      {next ? (
        <p>
          <Link to={`?before=${encodeURIComponent(next)}`}>{t("receipts.more")}</Link>
        </p>
      ) : null}
    </>
  );
}
