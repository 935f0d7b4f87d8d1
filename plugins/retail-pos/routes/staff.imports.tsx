// /staff/pos/imports — upload a till's sales export (CSV or JSON); a job records it with the API's
// validation and idempotency; this page shows progress (refreshing while running) and row errors.
import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { PageHeader, formatDateTime, formatNumber, titleMeta } from "../../../app/plugin-api/ui.ts";
import { listConnections } from "../connections.server.ts";
import { importErrors, listImports, maxImportFileBytes, maxImportSales, receiveImportUpload } from "../sale-import.server.ts";
import { isUuid } from "../../../app/plugin-api/index.ts";

export const handle = { i18n: ["common", "staff", "retail-pos"] };
export const meta = titleMeta;
const PERMISSION = "retail-pos.sale.import";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const show = new URL(request.url).searchParams.get("errors");
  const [connections, imports, errors] = await Promise.all([
    listConnections(db),
    listImports(db),
    show && isUuid(show) ? importErrors(db, show) : Promise.resolve(null),
  ]);
  return {
    title: pageTitle(context.language, "retail-pos:imports.title"),
    connections: connections.filter((c) => c.active).map((c) => ({ value: c.id, label: `${c.store} · ${c.name}` })),
    imports: imports.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
    errors,
  };
}

type Result = { error?: string; values?: Record<string, number>; queued?: { file: string; count: number } };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const fail = (error: string, status = 400, values?: Record<string, number>) => data<Result>({ error: `imports.errors.${error}`, values }, { status });
  const { db, jobs } = context.runtime;
  const received = await receiveImportUpload(db, actor, request);
  if (!received.ok) return fail(received.error, received.error === "tooLarge" ? 413 : 400, received.error === "tooLarge" ? { mb: maxImportFileBytes / 1024 / 1024 } : { max: maxImportSales });
  await jobs.send("retail-pos.import-sales", { importId: received.id });
  return data<Result>({ queued: { file: received.fileName, count: received.count } });
}

// Sample files in the page's language: the same content a till would export (Indonesian column
// names in id, the API's names in en); a sale of two items, then a partial refund of it.
export const importSamples = {
  id: {
    csv: [
      "Jenis;No Struk;Struk Asal;Waktu;Kartu Member;No HP;SKU;Nama Barang;Qty;Harga;Diskon;Total;Pembayaran;Alasan",
      "penjualan;TK01-000123;;2026-11-20T09:15:00+07:00;RK100001;;DPR-001;Wajan 28 cm;1;185000;;;qris;",
      "penjualan;TK01-000123;;2026-11-20T09:15:00+07:00;RK100001;;KBR-004;Sapu ijuk;2;32000;4000;;qris;",
      "penjualan;TK01-000124;;2026-11-20T09:20:00+07:00;;0812-3456-7890;PLS-010;Ember 10 L;1;27500;;;cash;",
      "retur;TK01-R-0007;TK01-000123;2026-11-21T10:00:00+07:00;;;;;;;;60000;;sapu patah",
    ].join("\n"),
  },
  en: {
    csv: [
      "type,receiptNumber,originalReceiptNumber,occurredAt,memberCard,phone,sku,name,quantity,unitPrice,discount,total,paymentMethod,reason",
      "sale,TK01-000123,,2026-11-20T09:15:00+07:00,RK100001,,DPR-001,Frying pan 28 cm,1,185000,,,qris,",
      "sale,TK01-000123,,2026-11-20T09:15:00+07:00,RK100001,,KBR-004,Broom,2,32000,4000,,qris,",
      "sale,TK01-000124,,2026-11-20T09:20:00+07:00,,0812-3456-7890,PLS-010,Bucket 10 L,1,27500,,,cash,",
      "refund,TK01-R-0007,TK01-000123,2026-11-21T10:00:00+07:00,,,,,,,,60000,,broken broom",
    ].join("\n"),
  },
};
export const importSampleJson = JSON.stringify(
  [
    {
      receiptNumber: "TK01-000123",
      occurredAt: "2026-11-20T09:15:00+07:00",
      customer: { memberCard: "RK100001" },
      lines: [
        { sku: "DPR-001", quantity: 1, unitPrice: 185000 },
        { sku: "KBR-004", quantity: 2, unitPrice: 32000, discount: 4000 },
      ],
      total: 245000,
      paymentMethod: "qris",
    },
    { type: "refund", receiptNumber: "TK01-R-0007", originalReceiptNumber: "TK01-000123", occurredAt: "2026-11-21T10:00:00+07:00", total: 60000, reason: "sapu patah" },
  ],
  null,
  2,
);
const dataUrl = (type: string, content: string) => `data:${type};charset=utf-8,${encodeURIComponent(content)}`;

export default function SalesImports() {
  const { connections, imports, errors } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retail-pos");
  const lang = i18n.language === "en" ? "en" : "id";
  const revalidator = useRevalidator();
  const busy = imports.some((i) => i.status === "queued" || i.status === "running");
  // progress: re-read the list every two seconds while an import is queued or running
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);
  return (
    <>
      <PageHeader title={t("imports.title")} />
      <p>{t("imports.intro")}</p>
      {result?.error ? (
        <div className="alert error" role="alert">
          {t(result.error, result.values ?? {})}
        </div>
      ) : null}
      {result?.queued ? (
        <p className="alert success" role="status">
          {t("imports.queued", { file: result.queued.file, count: result.queued.count })}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card stack">
        <div className="grid two">
          <div className="field">
            <label htmlFor="connectionId">{t("imports.store")}</label>
            <select id="connectionId" name="connectionId" required>
              {connections.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="file">{t("imports.file")}</label>
            <input id="file" name="file" type="file" accept=".csv,.json,text/csv,application/json" required />
          </div>
        </div>
        <div className="row-actions">
          <button type="submit" className="primary">
            {t("imports.submit")}
          </button>
        </div>
      </Form>
      <section className="card" aria-labelledby="recent-imports">
        <h2 id="recent-imports">{t("imports.recent")}</h2>
        {imports.length === 0 ? (
          <p className="muted">{t("imports.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("imports.columns.file")}</th>
                <th>{t("imports.columns.store")}</th>
                <th>{t("imports.columns.status")}</th>
                <th>{t("imports.columns.progress")}</th>
                <th className="num">{t("imports.columns.recorded")}</th>
                <th className="num">{t("imports.columns.duplicates")}</th>
                <th className="num">{t("imports.columns.errors")}</th>
                <th>{t("imports.columns.at")}</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id}>
                  <td>{i.fileName}</td>
                  <td>{i.store}</td>
                  <td>{t(`imports.status.${i.status}`)}</td>
                  <td>
                    <progress max={Math.max(1, i.totalRows)} value={i.processedRows} aria-label={t("imports.progress", { processed: formatNumber(i.processedRows, lang), total: formatNumber(i.totalRows, lang) })} />{" "}
                    {t("imports.progress", { processed: formatNumber(i.processedRows, lang), total: formatNumber(i.totalRows, lang) })}
                  </td>
                  <td className="num">{formatNumber(i.recordedRows, lang)}</td>
                  <td className="num">{formatNumber(i.duplicateRows, lang)}</td>
                  <td className="num">{i.errorCount ? <Link to={`?errors=${i.id}`}>{formatNumber(i.errorCount, lang)}</Link> : "0"}</td>
                  <td>{formatDateTime(i.createdAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {errors ? (
        <section className="card" aria-labelledby="import-errors">
          <h2 id="import-errors">{t("imports.errorsTitle", { file: errors.fileName })}</h2>
          <table className="data">
            <thead>
              <tr>
                <th className="num">{t("imports.row")}</th>
                <th>{t("imports.code")}</th>
                <th>{t("imports.message")}</th>
              </tr>
            </thead>
            <tbody>
              {errors.errors.map((e, n) => (
                <tr key={n}>
                  <td className="num">{e.row}</td>
                  <td>
                    <code>{e.code}</code>
                  </td>
                  <td>{e.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="card" aria-labelledby="import-format">
        <h2 id="import-format">{t("imports.format.title")}</h2>
        <p>{t("imports.format.csv")}</p>
        <ul>
          {(["type", "receipt", "original", "time", "customer", "lines", "total", "payment"] as const).map((k) => (
            <li key={k}>{t(`imports.format.columns.${k}`)}</li>
          ))}
        </ul>
        <p>{t("imports.format.refunds")}</p>
        <p>{t("imports.format.json")}</p>
        <details>
          <summary>{t("imports.format.sample")}</summary>
          <pre className="mail message-body">{importSamples[lang].csv}</pre>
        </details>
        <div className="row-actions">
          <a href={dataUrl("text/csv", importSamples[lang].csv)} download={lang === "id" ? "contoh-penjualan.csv" : "sample-sales.csv"}>
            {t("imports.format.sampleCsv")}
          </a>
          <a href={dataUrl("application/json", importSampleJson)} download={lang === "id" ? "contoh-penjualan.json" : "sample-sales.json"}>
            {t("imports.format.sampleJson")}
          </a>
        </div>
      </section>
    </>
  );
}
