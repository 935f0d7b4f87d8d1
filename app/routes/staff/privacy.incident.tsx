import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { breachClock, incidentStatuses, incidentUpdateSchema } from "../../core/privacy/breach-register-forms.ts";
import {
  getIncident,
  incidentManagePermission,
  notifyAffectedPeople,
  recordAuthorityReport,
  refreshAffectedPeople,
  setIncidentStatus,
  updateIncidentDetails,
} from "../../core/privacy/breach-register.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { Countdown, FieldError, FormError, typed } from "../../ui/privacy-desk.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.incident.title) }];
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const db = context.runtime.db;
  const detail = await getIncident(db, params.incidentId ?? "");
  if (!detail) notFound();
  const timeZone = await staffTimeZone(db, actor);
  const at = (d: Date | null) => (d ? formatDateTime(d, context.language, timeZone) : null);
  const { incident } = detail;
  return {
    incident: {
      ...incident,
      discovered: at(incident.discoveredAt),
      notifyByText: at(incident.notifyBy),
      from: at(incident.windowFrom),
      to: at(incident.windowTo),
      authorityNotified: at(incident.authorityNotifiedAt),
      peopleNotified: at(incident.peopleNotifiedAt),
    },
    actorEmail: detail.actorEmail,
    people: detail.people.map((p) => ({ ...p, notified: at(p.notifiedAt) })),
    clock: incident.status === "closed" ? { remainingMs: 0, hours: 0, minutes: 0, done: true } : breachClock(incident, new Date()),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const incidentId = params.incidentId ?? "";
  const db = context.runtime.db;
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: incidentUpdateSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return data({ intent, result: submission.reply(), counts: null }, { status: 400 });
  const value = submission.value;
  const result =
    value.intent === "findPeople"
      ? await refreshAffectedPeople(db, actor, incidentId)
      : value.intent === "notifyPeople"
        ? await notifyAffectedPeople(db, context.runtime, actor, incidentId)
        : value.intent === "details"
          ? await updateIncidentDetails(db, actor, incidentId, value)
          : value.intent === "authority"
            ? await recordAuthorityReport(db, actor, incidentId, value.reference)
            : await setIncidentStatus(db, actor, incidentId, value.status);
  if (!result.ok && result.error === "notFound") notFound();
  if (!result.ok) return data({ intent, result: submission.reply({ formErrors: [`privacy:breach.errors.${result.error}`] }), counts: null }, { status: 400 });
  const { ok: _ok, ...counts } = result as { ok: true } & Record<string, number>;
  return data({ intent, result: submission.reply(), counts }, { status: 200 });
}

export default function Incident() {
  const { incident: i, actorEmail, people, clock } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("privacy");
  const idle = navigation.state === "idle";
  const resultFor = (intent: string) => (idle && actionData?.intent === intent ? actionData.result : undefined);
  const closed = i.status === "closed";
  const saved = idle && actionData?.result?.status === "success" ? actionData : null;
  return (
    <>
      <p className="no-print">
        <Link to="/staff/privacy/incidents">← {t("breach.title")}</Link>
      </p>
      <PageHeader title={i.title}>
        <span className="badge info">{t(`breach.statuses.${i.status}`)}</span>
        <Countdown clock={clock} />
      </PageHeader>
      {saved ? (
        <div className="alert success" role="status">
          {t(`breach.saved.${saved.intent}`, saved.counts ?? {})}
        </div>
      ) : null}
      {(["findPeople", "notifyPeople", "status"] as const).map((intent) => (
        <FormError key={intent} result={resultFor(intent)} />
      ))}
      <p>
        <Link to={`/staff/privacy/incidents/${i.id}/report`}>{t("breach.report.open")}</Link>
        {" · "}
        <a href={`/staff/privacy/incidents/${i.id}/report.xlsx`} download>
          {t("breach.report.download")}
        </a>
      </p>
      <div className="grid two">
        <section className="card">
          <h2>{t("breach.detail.what")}</h2>
          <dl className="details">
            <dt>{t("breach.report.severity")}</dt>
            <dd>{t(`breach.severities.${i.severity}`)}</dd>
            <dt>{t("breach.report.discoveredAt")}</dt>
            <dd>{i.discovered}</dd>
            <dt>{t("breach.report.notifyBy")}</dt>
            <dd>{i.notifyByText}</dd>
            <dt>{t("breach.report.window")}</dt>
            <dd>
              {i.from} – {i.to}
            </dd>
            <dt>{t("breach.detail.entityTypes")}</dt>
            <dd>{i.entityTypes.length ? i.entityTypes.map((e) => t(`breach.entityTypes.${e}`)).join(", ") : t("breach.detail.anyType")}</dd>
            <dt>{t("breach.detail.actor")}</dt>
            <dd>{actorEmail ?? "—"}</dd>
            <dt>{t("breach.report.dataCategories")}</dt>
            <dd>{i.dataCategories.map((c) => t(`dataCategories.${c}`)).join(", ") || "—"}</dd>
            <dt>{t("breach.report.description")}</dt>
            <dd style={{ whiteSpace: "pre-wrap" }}>{i.description}</dd>
            <dt>{t("breach.report.authorityNotifiedAt")}</dt>
            <dd>
              {i.authorityNotified ?? "—"}
              {i.authorityReference ? ` · ${i.authorityReference}` : ""}
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>{t("breach.detail.report")}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="details" />
            <FormError result={resultFor("details")} />
            {(["consequences", "measures", "noticeId", "noticeEn"] as const).map((name) => (
              <div className="field" key={name}>
                <label htmlFor={`incident-${name}`}>{t(`breach.detail.${name}`)}</label>
                <textarea
                  id={`incident-${name}`}
                  name={name}
                  rows={3}
                  maxLength={5000}
                  disabled={closed}
                  defaultValue={typed(resultFor("details"), name) ?? i[name] ?? ""}
                />
                <FieldError result={resultFor("details")} name={name} />
              </div>
            ))}
            {closed ? null : <button type="submit">{t("breach.detail.save")}</button>}
          </Form>
        </section>
      </div>
      <section className="card">
        <h2>{t("breach.people.title", { count: people.length })}</h2>
        <p className="muted">{t("breach.people.intro")}</p>
        {closed ? null : (
          <div className="inline-list">
            <Form method="post">
              <input type="hidden" name="intent" value="findPeople" />
              <button type="submit">{t("breach.people.find")}</button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="notifyPeople" />
              <button type="submit" disabled={!people.length}>
                {t("breach.people.notify")}
              </button>
            </Form>
          </div>
        )}
        {people.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>{t("breach.people.name")}</th>
                <th>{t("breach.people.entries")}</th>
                <th>{t("breach.people.language")}</th>
                <th>{t("breach.people.notice")}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td data-label={t("breach.people.name")}>{p.contactId ? <Link to={`/staff/contacts/${p.contactId}`}>{p.name ?? "—"}</Link> : "—"}</td>
                  <td data-label={t("breach.people.entries")}>{p.entries}</td>
                  <td data-label={t("breach.people.language")}>{p.language ?? "—"}</td>
                  <td data-label={t("breach.people.notice")}>
                    {p.notified ?? (p.noticeSkipped ? t(`breach.people.skipped.${p.noticeSkipped}`) : t("breach.people.waiting"))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {closed ? null : (
        <div className="grid two">
          <section className="card">
            <h2>{t("breach.authority.title")}</h2>
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="authority" />
              <FormError result={resultFor("authority")} />
              <div className="field">
                <label htmlFor="authority-reference">{t("breach.authority.reference")}</label>
                <input
                  id="authority-reference"
                  name="reference"
                  maxLength={200}
                  required
                  defaultValue={typed(resultFor("authority"), "reference") ?? i.authorityReference ?? ""}
                />
                <FieldError result={resultFor("authority")} name="reference" />
              </div>
              <button type="submit">{t("breach.authority.submit")}</button>
            </Form>
          </section>
          <section className="card">
            <h2>{t("breach.status.title")}</h2>
            <Form method="post">
              <input type="hidden" name="intent" value="status" />
              <div className="field">
                <label htmlFor="incident-status">{t("breach.columns.status")}</label>
                <select id="incident-status" name="status" defaultValue={i.status}>
                  {incidentStatuses.map((s) => (
                    <option key={s} value={s}>
                      {t(`breach.statuses.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              <p className="hint">{t("breach.status.hint")}</p>
              <button type="submit">{t("breach.status.submit")}</button>
            </Form>
          </section>
        </div>
      )}
    </>
  );
}
