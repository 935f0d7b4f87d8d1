import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { auditActorKinds, auditFilterFields, auditFilterSchema } from "../../core/audit/audit-forms.ts";
import { auditPage } from "../../core/audit/audit-log.server.ts";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

/** What was typed into the filter, kept as typed so a refused filter loses nothing. */
function typedFilter(params: URLSearchParams) {
  return Object.fromEntries(auditFilterFields.map((k) => [k, (params.get(k) ?? "").slice(0, 200)])) as Record<(typeof auditFilterFields)[number], string>;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.audit.read");
  const params = new URL(request.url).searchParams;
  const db = context.runtime.db;
  const timeZone = await staffTimeZone(db, actor);
  const typed = typedFilter(params);
  const base = { typed, timeZone, language: context.language };
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    return data({ title: pageTitle(context.language, "privacy:audit.title"), ...base, error: "audit.errors.filter" as string | null, rows: [], next: null as string | null, paged: false }, { status: 400 });
  }
  const page = await auditPage(db, actor, parsed.data, { tz: timeZone, ip: context.clientIp });
  return {
    title: pageTitle(context.language, "privacy:audit.title"),
    ...base,
    error: null,
    paged: Boolean(parsed.data.before),
    next: page.next,
    rows: page.rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorKind: r.actorKind,
      actorUserId: r.actorUserId,
      actorLabel: r.actorName ? `${r.actorName} <${r.actorEmail}>` : r.actorEmail,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      ip: r.ip,
      data: r.data ? JSON.stringify(r.data).slice(0, 300) : "",
    })),
  };
}

export default function AuditLogPage() {
  const { typed, timeZone, language, error, rows, next, paged } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const query = (extra: Record<string, string>) => {
    const p = new URLSearchParams(Object.entries(typed).filter(([, v]) => v));
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return p.toString();
  };
  const c = (k: string) => t(`audit.columns.${k}`);
  return (
    <>
      <PageHeader title={t("audit.title")} />
      <p className="muted">{t("audit.intro")}</p>
      {error ? (
        <div className="alert error" role="alert">
          {t(error)}
        </div>
      ) : null}
      <Form method="get" className="toolbar filters" role="search" aria-label={t("audit.filter.label")}>
        <div className="field">
          <label htmlFor="audit-actor">{t("audit.filter.actor")}</label>
          <input id="audit-actor" name="actor" defaultValue={typed.actor} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor-kind">{t("audit.filter.actorKind")}</label>
          <select id="audit-actor-kind" name="actorKind" defaultValue={typed.actorKind}>
            <option value="">{t("audit.filter.any")}</option>
            {auditActorKinds.map((k) => (
              <option key={k} value={k}>
                {t(`audit.actorKinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("audit.filter.action")}</label>
          <input id="audit-action" name="action" defaultValue={typed.action} maxLength={100} aria-describedby="audit-action-hint" />
          <p className="hint" id="audit-action-hint">
            {t("audit.filter.actionHint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor="audit-entity-type">{t("audit.filter.entityType")}</label>
          <input id="audit-entity-type" name="entityType" defaultValue={typed.entityType} maxLength={60} />
        </div>
        <div className="field">
          <label htmlFor="audit-entity-id">{t("audit.filter.entityId")}</label>
          <input id="audit-entity-id" name="entityId" defaultValue={typed.entityId} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t("audit.filter.from")}</label>
          <input id="audit-from" name="from" type="date" defaultValue={typed.from} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t("audit.filter.to")}</label>
          <input id="audit-to" name="to" type="date" defaultValue={typed.to} />
        </div>
        <button type="submit" className="primary">
          {t("audit.filter.apply")}
        </button>
        <Link to="/staff/audit">{t("audit.filter.clear")}</Link>
      </Form>
      {!error ? (
        <p>
          <a className="button" href={`/staff/audit/export?${query({ format: "csv" })}`} download>
            {t("audit.export.csv")}
          </a>{" "}
          <a className="button" href={`/staff/audit/export?${query({ format: "xlsx" })}`} download>
            {t("audit.export.xlsx")}
          </a>
        </p>
      ) : null}
      {rows.length ? (
        <table className="data">
          <thead>
            <tr>
              <th>{c("at")}</th>
              <th>{c("actor")}</th>
              <th>{c("action")}</th>
              <th>{c("record")}</th>
              <th>{c("details")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label={c("at")}>{formatDateTime(r.at, language, timeZone)}</td>
                <td data-label={c("actor")}>
                  {t(`audit.actorKinds.${r.actorKind}`)}
                  {r.actorLabel ? (
                    <>
                      <br />
                      <small>{r.actorLabel}</small>
                    </>
                  ) : null}
                </td>
                <td data-label={c("action")}>
                  <code>{r.action}</code>
                </td>
                <td data-label={c("record")}>
                  {r.entityType ? (
                    r.entityType === "contact" && r.entityId ? (
                      <Link to={`/staff/contacts/${r.entityId}`}>
                        {r.entityType} {r.entityId}
                      </Link>
                    ) : (
                      <>
                        {r.entityType} {r.entityId}
                      </>
                    )
                  ) : (
                    "—"
                  )}
                </td>
                <td data-label={c("details")}>
                  <small>
                    {r.data}
                    {r.ip ? ` · ${r.ip}` : ""}
                  </small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : !error ? (
        <p className="muted">{t("audit.empty")}</p>
      ) : null}
      <nav className="pager" aria-label={t("audit.pager.label")}>
        {paged ? <Link to={`/staff/audit?${query({})}`}>{t("audit.pager.newest")}</Link> : null}{" "}
        {next ? <Link to={`/staff/audit?${query({ before: next })}`}>{t("audit.pager.older")}</Link> : null}
      </nav>
    </>
  );
}
