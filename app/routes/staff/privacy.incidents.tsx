import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { breachClock, incidentDataCategories, incidentEntityTypes, incidentSchema, incidentSeverities } from "../../core/privacy/breach-register-forms.ts";
import { incidentManagePermission, listIncidents, recordIncident } from "../../core/privacy/breach-register.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { instantToLocalInput, parseLocalDateTime } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { Countdown, FieldError, FormError, typed } from "../../ui/privacy-desk.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const db = context.runtime.db;
  const now = new Date();
  const timeZone = await staffTimeZone(db, actor);
  const rows = await listIncidents(db);
  return {
    title: pageTitle(context.language, "privacy:breach.title"),
    now: instantToLocalInput(now, timeZone),
    incidents: rows.map((i) => ({
      id: i.id,
      title: i.title,
      severity: i.severity,
      status: i.status,
      people: i.people,
      discovered: formatDateTime(i.discoveredAt, context.language, timeZone),
      clock: i.status === "closed" ? { remainingMs: 0, hours: 0, minutes: 0, done: true } : breachClock(i, now),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, incidentManagePermission);
  const submission = parseWithZod(await request.formData(), { schema: incidentSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const db = context.runtime.db;
  const timeZone = await staffTimeZone(db, actor);
  const { discoveredAt, windowFrom, windowTo, ...rest } = submission.value;
  const instants = {
    discoveredAt: parseLocalDateTime(discoveredAt, timeZone),
    windowFrom: parseLocalDateTime(windowFrom, timeZone),
    windowTo: parseLocalDateTime(windowTo, timeZone),
  };
  const invalid = Object.entries(instants)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (invalid.length)
    return data({ result: submission.reply({ fieldErrors: Object.fromEntries(invalid.map((k) => [k, ["validation.date"]])) }) }, { status: 400 });
  const result = await recordIncident(db, actor, {
    ...rest,
    discoveredAt: instants.discoveredAt!,
    windowFrom: instants.windowFrom!,
    windowTo: instants.windowTo!,
  });
  if (!result.ok) return data({ result: submission.reply({ formErrors: [`privacy:breach.errors.${result.error}`] }) }, { status: 400 });
  return redirect(`/staff/privacy/incidents/${result.id}`);
}

export default function Incidents() {
  const { incidents, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const result = actionData?.result;
  const { t } = useTranslation("privacy");
  const c = (k: string) => t(`breach.columns.${k}`);
  const chosen = (name: string) => new Set(((result?.initialValue as Record<string, unknown> | undefined)?.[name] as string[] | string | undefined) ?? []);
  const types = chosen("entityTypes");
  const categories = chosen("dataCategories");
  return (
    <>
      <p>
        <Link to="/staff/privacy">← {t("dpo.title")}</Link>
      </p>
      <PageHeader title={t("breach.title")} />
      <p className="muted">{t("breach.intro")}</p>
      {incidents.length === 0 ? (
        <p className="muted">{t("breach.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{c("title")}</th>
              <th>{c("severity")}</th>
              <th>{c("discovered")}</th>
              <th>{c("status")}</th>
              <th>{c("people")}</th>
              <th>{c("clock")}</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id}>
                <td data-label={c("title")}>
                  <Link to={`/staff/privacy/incidents/${i.id}`}>{i.title}</Link>
                </td>
                <td data-label={c("severity")}>{t(`breach.severities.${i.severity}`)}</td>
                <td data-label={c("discovered")}>{i.discovered}</td>
                <td data-label={c("status")}>{t(`breach.statuses.${i.status}`)}</td>
                <td data-label={c("people")}>{i.people}</td>
                <td data-label={c("clock")}>
                  <Countdown clock={i.clock} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card">
        <h2>{t("breach.new.title")}</h2>
        <Form method="post" noValidate>
          <FormError result={result} />
          <div className="field">
            <label htmlFor="incident-title">{t("breach.new.name")}</label>
            <input id="incident-title" name="title" required maxLength={200} defaultValue={typed(result, "title")} />
            <FieldError result={result} name="title" />
          </div>
          <div className="field">
            <label htmlFor="incident-description">{t("breach.new.description")}</label>
            <textarea id="incident-description" name="description" rows={4} required maxLength={5000} defaultValue={typed(result, "description")} />
            <FieldError result={result} name="description" />
          </div>
          <div className="field">
            <label htmlFor="incident-severity">{t("breach.new.severity")}</label>
            <select id="incident-severity" name="severity" defaultValue={typed(result, "severity") ?? "medium"}>
              {incidentSeverities.map((s) => (
                <option key={s} value={s}>
                  {t(`breach.severities.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="grid three">
            {(["discoveredAt", "windowFrom", "windowTo"] as const).map((name) => (
              <div className="field" key={name}>
                <label htmlFor={`incident-${name}`}>{t(`breach.new.${name}`)}</label>
                <input
                  id={`incident-${name}`}
                  name={name}
                  type="datetime-local"
                  required
                  defaultValue={typed(result, name) ?? (name === "windowFrom" ? undefined : now)}
                />
                <FieldError result={result} name={name} />
              </div>
            ))}
          </div>
          <fieldset>
            <legend>{t("breach.new.entityTypes")}</legend>
            <p className="hint">{t("breach.new.entityTypesHint")}</p>
            {incidentEntityTypes.map((e) => (
              <label key={e} className="choice">
                <input type="checkbox" name="entityTypes" value={e} defaultChecked={types.has(e)} /> {t(`breach.entityTypes.${e}`)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="incident-actor">{t("breach.new.actorEmail")}</label>
            <input id="incident-actor" name="actorEmail" type="email" maxLength={254} defaultValue={typed(result, "actorEmail")} />
            <p className="hint">{t("breach.new.actorEmailHint")}</p>
            <FieldError result={result} name="actorEmail" />
          </div>
          <fieldset>
            <legend>{t("breach.new.dataCategories")}</legend>
            {incidentDataCategories.map((d) => (
              <label key={d} className="choice">
                <input type="checkbox" name="dataCategories" value={d} defaultChecked={categories.has(d)} /> {t(`dataCategories.${d}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit">{t("breach.new.submit")}</button>
        </Form>
      </section>
    </>
  );
}
