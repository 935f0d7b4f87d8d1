import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";
import { formatNumber } from "../../core/i18n/format.ts";
import { breachClock } from "../../core/privacy/breach-register-forms.ts";
import { incidentManagePermission } from "../../core/privacy/breach-register.server.ts";
import { dpoOverview } from "../../core/privacy/dpo-overview.server.ts";
import { requestClock } from "../../core/privacy/request-desk-forms.ts";
import { requestManagePermission } from "../../core/privacy/request-desk.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { Countdown } from "../../ui/privacy-desk.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request);
  // the overview opens for any of the desk's permissions; each part shows only to who may see it
  const can = {
    requests: actor.permissions.has(requestManagePermission),
    incidents: actor.permissions.has(incidentManagePermission),
    overview: actor.permissions.has("core.privacy.manage"),
  };
  if (!can.requests && !can.incidents && !can.overview) forbidden();
  const db = context.runtime.db;
  const now = new Date();
  const language = context.language;
  const timeZone = await staffTimeZone(db, actor);
  const view = await dpoOverview(db, actor, can);
  const purposeNames = new Map(context.runtime.registry.purposes().map((p) => [p.id, p.name[language]]));
  return {
    title: pageTitle(context.language, "privacy:dpo.title"),
    requests:
      view.requests?.map((r) => ({
        id: r.id,
        kind: r.kind,
        person: r.contactName ?? r.userName ?? "—",
        due: formatDateTime(r.dueAt, language, timeZone),
        clock: requestClock(r, now),
      })) ?? null,
    incidents:
      view.incidents?.map((i) => ({ id: i.id, title: i.title, status: i.status, people: i.people, clock: { ...breachClock(i, now), phase: undefined } })) ??
      null,
    coverage:
      view.coverage?.map((c) => ({
        ...c,
        name: purposeNames.get(c.purpose) ?? c.purpose,
        share: c.contacts ? formatNumber(Math.round((c.granted / c.contacts) * 1000) / 10, language) : "—",
      })) ?? null,
    lastRetentionRun: view.lastRetentionRun ? formatDateTime(view.lastRetentionRun, language, timeZone) : null,
  };
}

export default function DpoOverview() {
  const { requests, incidents, coverage, lastRetentionRun } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const overdue = requests?.filter((r) => r.clock.phase === "overdue").length ?? 0;
  return (
    <>
      <PageHeader title={t("dpo.title")} />
      <p className="muted">{t("dpo.intro")}</p>
      <nav aria-label={t("dpo.links")}>
        <ul className="inline-list">
          {requests ? (
            <li>
              <Link to="/staff/privacy/requests">{t("desk.title")}</Link>
            </li>
          ) : null}
          {incidents ? (
            <li>
              <Link to="/staff/privacy/incidents">{t("breach.title")}</Link>
            </li>
          ) : null}
          {coverage ? (
            <>
              <li>
                <Link to="/staff/privacy/processing">{t("ropa.title")}</Link>
              </li>
              <li>
                <Link to="/staff/privacy/retention">{t("retention.title")}</Link>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
      <div className="grid three">
        {requests ? (
          <section className="card">
            <p className="stat-label">{t("dpo.openRequests")}</p>
            <p className="stat">{requests.length}</p>
            {overdue ? <p className="badge danger">{t("dpo.overdue", { count: overdue })}</p> : null}
          </section>
        ) : null}
        {incidents ? (
          <section className="card">
            <p className="stat-label">{t("dpo.openIncidents")}</p>
            <p className="stat">{incidents.length}</p>
          </section>
        ) : null}
        {coverage ? (
          <section className="card">
            <p className="stat-label">{t("dpo.lastRetention")}</p>
            <p>{lastRetentionRun ?? t("dpo.never")}</p>
          </section>
        ) : null}
      </div>
      {requests ? (
        <section>
          <h2>{t("dpo.requestsTitle")}</h2>
          {requests.length === 0 ? (
            <p className="muted">{t("desk.empty")}</p>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>{t("desk.columns.kind")}</th>
                  <th>{t("desk.columns.person")}</th>
                  <th>{t("desk.columns.due")}</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((r) => (
                  <tr key={r.id}>
                    <td data-label={t("desk.columns.kind")}>
                      <Link to={`/staff/privacy/requests/${r.id}`}>{t(`desk.kinds.${r.kind}`)}</Link>
                    </td>
                    <td data-label={t("desk.columns.person")}>{r.person}</td>
                    <td data-label={t("desk.columns.due")}>
                      {r.due} <Countdown clock={r.clock} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      {incidents ? (
        <section>
          <h2>{t("dpo.incidentsTitle")}</h2>
          {incidents.length === 0 ? (
            <p className="muted">{t("breach.empty")}</p>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>{t("breach.columns.title")}</th>
                  <th>{t("breach.columns.status")}</th>
                  <th>{t("breach.columns.people")}</th>
                  <th>{t("breach.columns.clock")}</th>
                </tr>
              </thead>
              <tbody>
                {incidents.map((i) => (
                  <tr key={i.id}>
                    <td data-label={t("breach.columns.title")}>
                      <Link to={`/staff/privacy/incidents/${i.id}`}>{i.title}</Link>
                    </td>
                    <td data-label={t("breach.columns.status")}>{t(`breach.statuses.${i.status}`)}</td>
                    <td data-label={t("breach.columns.people")}>{i.people}</td>
                    <td data-label={t("breach.columns.clock")}>
                      <Countdown clock={i.clock} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      {coverage ? (
        <section>
          <h2>{t("dpo.coverageTitle")}</h2>
          <p className="muted">{t("dpo.coverageIntro")}</p>
          <table className="data">
            <thead>
              <tr>
                <th>{t("dpo.coverage.purpose")}</th>
                <th>{t("dpo.coverage.granted")}</th>
                <th>{t("dpo.coverage.withdrawn")}</th>
                <th>{t("dpo.coverage.unknown")}</th>
                <th>{t("dpo.coverage.share")}</th>
              </tr>
            </thead>
            <tbody>
              {coverage.map((c) => (
                <tr key={c.purpose}>
                  <td data-label={t("dpo.coverage.purpose")}>{c.name}</td>
                  <td data-label={t("dpo.coverage.granted")}>{c.granted}</td>
                  <td data-label={t("dpo.coverage.withdrawn")}>{c.withdrawn}</td>
                  <td data-label={t("dpo.coverage.unknown")}>{c.unknown}</td>
                  <td data-label={t("dpo.coverage.share")}>{c.share === "—" ? c.share : `${c.share}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
