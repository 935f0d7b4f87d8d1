// /staff/pos/imports — upload a till's sales export (CSV or JSON); a job records it with the API's
// validation and idempotency; this page shows progress (refreshing while running) and row errors.
import {
  data,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../../app/plugin-api/server.ts";
import { PageHeader, formatDateTime, formatNumber } from "../../../app/plugin-api/ui.ts";
import { listConnections } from "../connections.server.ts";
import { createImport, importErrors, listImports, maxImportFileBytes, maxImportSales, parseSalesFile } from "../sale-import.server.ts";

export const handle = { i18n: ["common", "staff", "retail-pos"] };
export const meta: MetaFunction = () => [{ title: "Impor penjualan · Sales import · Nusa CRM" }];
const PERMISSION = "retail-pos.sale.import";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const show = new URL(request.url).searchParams.get("errors");
  const [connections, imports, errors] = await Promise.all([
    listConnections(db),
    listImports(db),
    show && /^[0-9a-f-]{36}$/i.test(show) ? importErrors(db, show) : Promise.resolve(null),
  ]);
  return {
    connections: connections.filter((c) => c.active).map((c) => ({ value: c.id, label: `${c.store} · ${c.name}` })),
    imports: imports.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
    errors,
  };
}

type Result = { error?: string; values?: Record<string, number>; queued?: { file: string; count: number } };

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const fail = (error: string, status = 400, values?: Record<string, number>) => data<Result>({ error: `imports.errors.${error}`, values }, { status });
  if (Number(request.headers.get("Content-Length") ?? 0) > maxImportFileBytes + 64 * 1024) return fail("tooLarge", 413, { mb: maxImportFileBytes / 1024 / 1024 });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: maxImportFileBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return fail("tooLarge", 413, { mb: maxImportFileBytes / 1024 / 1024 });
    throw error;
  }
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) return fail("noFile");
  const parsed = parseSalesFile(file.name, new Uint8Array(await file.arrayBuffer()));
  if (!parsed.ok) return fail(parsed.error, 400, { max: maxImportSales });
  const { db, jobs } = context.runtime;
  const created = await createImport(db, actor, { connectionId: String(form.get("connectionId") ?? ""), fileName: file.name, rows: parsed.rows });
  if (!created.ok) return fail(created.error);
  await jobs.send("retail-pos.import-sales", { importId: created.id });
  return data<Result>({ queued: { file: file.name, count: parsed.rows.length } });
}

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
    </>
  );
}
