import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { destructionLog, retentionDaysOf } from "../../core/privacy/retention.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.privacy.manage");
  const db = context.runtime.db;
  const registry = context.runtime.registry;
  const timeZone = await staffTimeZone(db, actor);
  const purposes = new Map(registry.purposes().map((p) => [p.id, p]));
  // the rules: every handler that ages its rows, with its purpose's retention
  const rules = registry
    .personalDataHandlers()
    .filter((h) => h.expire && purposes.has(h.purpose))
    .map((h) => {
      const purpose = purposes.get(h.purpose)!;
      return { table: h.table, purpose: purpose.name[context.language], days: retentionDaysOf(purpose), hold: purpose.legalHold?.law ?? null };
    });
  const log = await destructionLog(db);
  return {
    title: pageTitle(context.language, "privacy:retention.title"),
    rules,
    log: log.map((l) => ({
      id: l.id,
      ranAt: formatDateTime(l.ranAt, context.language, timeZone),
      purpose: purposes.get(l.purpose)?.name[context.language] ?? l.purpose,
      table: l.table,
      method: l.method,
      rows: l.rows,
      cutoff: formatDateTime(l.cutoff, context.language, timeZone),
    })),
  };
}

export default function RetentionPage() {
  const { rules, log } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const c = (k: string) => t(`retention.columns.${k}`);
  return (
    <>
      <p>
        <Link to="/staff/privacy">← {t("dpo.title")}</Link>
      </p>
      <PageHeader title={t("retention.title")} />
      <p className="muted">{t("retention.intro")}</p>
      <h2>{t("retention.rules")}</h2>
      <table className="data">
        <thead>
          <tr>
            <th>{c("table")}</th>
            <th>{c("purpose")}</th>
            <th>{c("retention")}</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.table}>
              <td data-label={c("table")}>{r.table}</td>
              <td data-label={c("purpose")}>{r.purpose}</td>
              <td data-label={c("retention")}>
                {t("ropa.retentionDays", { count: r.days })}
                {r.hold ? (
                  <>
                    <br />
                    <small>{r.hold}</small>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t("retention.kept")}</p>
      <h2>{t("retention.log")}</h2>
      {log.length === 0 ? (
        <p className="muted">{t("retention.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{c("ranAt")}</th>
              <th>{c("purpose")}</th>
              <th>{c("table")}</th>
              <th>{c("method")}</th>
              <th>{c("rows")}</th>
              <th>{c("cutoff")}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((l) => (
              <tr key={l.id}>
                <td data-label={c("ranAt")}>{l.ranAt}</td>
                <td data-label={c("purpose")}>{l.purpose}</td>
                <td data-label={c("table")}>{l.table}</td>
                <td data-label={c("method")}>{t(`retention.methods.${l.method}`)}</td>
                <td data-label={c("rows")}>{l.rows}</td>
                <td data-label={c("cutoff")}>{l.cutoff}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
