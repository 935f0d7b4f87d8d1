import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT, pageTitle } from "../../core/i18n/i18n.server.ts";
import { processingRecord } from "../../core/privacy/processing-record.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "core.privacy.manage");
  return { title: pageTitle(context.language, "privacy:ropa.title"), rows: processingRecord(context.runtime.registry.purposes(), context.language, fixedT(context.language)) };
}

export default function ProcessingRecordPage() {
  const { rows } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const c = (k: string) => t(`ropa.columns.${k}`);
  return (
    <>
      <PageHeader title={t("ropa.title")} />
      <p className="muted">{t("ropa.intro")}</p>
      <p>
        <a className="button" href="/staff/privacy/processing/export" download>
          {t("ropa.download")}
        </a>
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>{c("name")}</th>
            <th>{c("legalBasis")}</th>
            <th>{c("generalData")}</th>
            <th>{c("specificData")}</th>
            <th>{c("retention")}</th>
            <th>{c("processors")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td data-label={c("name")}>
                <strong>{r.name}</strong>
                <br />
                <small className="muted">
                  {r.id} · {r.owner}
                </small>
                <br />
                <small>{r.description}</small>
              </td>
              <td data-label={c("legalBasis")}>{r.legalBasis}</td>
              <td data-label={c("generalData")}>{r.generalData.join(", ") || t("ropa.none")}</td>
              <td data-label={c("specificData")}>{r.specificData.join(", ") || t("ropa.none")}</td>
              <td data-label={c("retention")}>
                {r.retention}
                {r.legalHold ? (
                  <>
                    <br />
                    <small>{r.legalHold}</small>
                  </>
                ) : null}
              </td>
              <td data-label={c("processors")}>{r.processors.length ? r.processors.map((p) => <div key={p}>{p}</div>) : t("ropa.none")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
