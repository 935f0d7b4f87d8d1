import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime, formatLocalDate } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatKpiValue } from "../../core/reports/kpi-format.ts";
import { subscriptionSchema } from "../../core/report-schedules/subscription-form.ts";
import { SubscriptionForm, type SubscriptionDefaults } from "../../core/report-schedules/subscription-form-view.tsx";
import { deleteSubscription, deliveryLog, getSubscription, listSubscriptions, saveSubscription, setPaused, subscriptionOptions, type SubscriptionError } from "../../core/report-schedules/subscriptions.server.ts";
import { zoneAbbreviation, zoneOrDefault } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { FormAlert } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "reports"] };
export const meta = titleMeta;

const PERMISSION = "core.report.schedule";
const notices = ["created", "updated", "paused", "resumed", "deleted"] as const;
const errorKey = (error: SubscriptionError) => `reports:schedule.errors.${error}`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const url = new URL(request.url);
  const editId = url.searchParams.get("edit");
  const [options, subscriptions, log, editing, ownZone] = await Promise.all([
    subscriptionOptions(runtime, actor, language),
    listSubscriptions(runtime, actor),
    deliveryLog(runtime, actor),
    editId ? getSubscription(runtime, actor, editId) : Promise.resolve(null),
    staffTimeZone(runtime.db, actor),
  ]);
  const t = fixedT(language, "reports");
  const targetLabel = (kind: string, id: string) =>
    [...options.dashboards, ...options.kpis].find((o) => o.value === `${kind}:${id}`)?.label ?? id;
  const unitOf = (id: string) => options.kpis.find((k) => k.value === `kpi:${id}`)?.unit ?? "count";
  const notice = url.searchParams.get("notice");
  return {
    title: withAppName(t("schedule.title")),
    notice: notices.find((n) => n === notice) ?? null,
    options,
    zone: zoneAbbreviation(ownZone),
    editing: editing
      ? ({
          id: editing.id,
          name: editing.name,
          target: `${editing.targetKind}:${editing.targetId}`,
          branch: editing.branchId ?? "",
          frequency: editing.frequency,
          weekday: String(editing.weekday ?? 1),
          monthDay: String(editing.monthDay ?? 1),
          localTime: editing.localTime,
          mode: editing.mode,
          alertDirection: editing.alertDirection ?? "above",
          alertThreshold: editing.alertThreshold == null ? "" : String(editing.alertThreshold),
          alertHysteresis: String(editing.alertHysteresis),
          roles: editing.recipientRoles,
          emails: editing.recipientEmails.join("\n"),
          emailLanguage: editing.emailLanguage,
        } satisfies SubscriptionDefaults & { id: string })
      : null,
    subscriptions: subscriptions.map((s) => {
      const zone = zoneAbbreviation(zoneOrDefault(s.timeZone));
      const time = `${s.localTime.replace(":", language === "id" ? "." : ":")} ${zone}`;
      const when =
        s.frequency === "daily"
          ? t("schedule.list.daily", { time })
          : s.frequency === "weekly"
            ? t("schedule.list.weekly", { time, weekday: t(`schedule.weekdays.${s.weekday ?? 1}`) })
            : t("schedule.list.monthly", { time, day: s.monthDay ?? 1 });
      const unit = unitOf(s.targetId);
      return {
        id: s.id,
        name: s.name,
        target: targetLabel(s.targetKind, s.targetId),
        branch: s.branchName ?? t("schedule.fields.branchAll"),
        when,
        alert:
          s.mode === "alert"
            ? {
                rule: t("schedule.list.alertRule", { direction: t(`schedule.directions.${s.alertDirection ?? "above"}`), threshold: formatKpiValue(unit, s.alertThreshold, language) }),
                state: s.alertState === "firing" ? t("schedule.list.alertFiring", { value: formatKpiValue(unit, s.lastValue, language) }) : t("schedule.list.alertClear"),
              }
            : null,
        recipients: [
          s.recipientRoles.length ? t("schedule.list.rolesCount", { roles: s.recipientRoles.join(", ") }) : null,
          s.recipientEmails.length ? t("schedule.list.emailsCount", { count: s.recipientEmails.length }) : null,
        ]
          .filter(Boolean)
          .join(" · "),
        paused: s.paused,
        next: s.paused ? null : formatDateTime(s.nextRunAt, language, zoneOrDefault(s.timeZone)),
      };
    }),
    log: log.map((d) => ({
      id: d.id,
      subscription: d.subscriptionName,
      recipient: d.recipient,
      period: d.periodFrom === d.periodTo ? formatLocalDate(d.periodFrom, language, "medium") : `${formatLocalDate(d.periodFrom, language, "medium")} – ${formatLocalDate(d.periodTo, language, "medium")}`,
      status: d.status,
      attempts: d.attempts,
      error: d.lastError,
      at: formatDateTime(d.sentAt ?? d.createdAt, language, ownZone),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime } = context;
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "save");
  const id = String(formData.get("id") ?? "");
  if (intent === "pause" || intent === "resume" || intent === "delete") {
    const result = intent === "delete" ? await deleteSubscription(runtime, actor, id) : await setPaused(runtime, actor, id, intent === "pause");
    if (!result.ok) return data({ intent, result: null, formError: errorKey(result.error) }, { status: 404 });
    return redirect(`/staff/reports/subscriptions?notice=${intent === "delete" ? "deleted" : intent === "pause" ? "paused" : "resumed"}`);
  }
  const submission = parseWithZod(formData, { schema: subscriptionSchema });
  if (submission.status !== "success") return data({ intent, result: submission.reply(), formError: null }, { status: 400 });
  const result = await saveSubscription(runtime, actor, { ...submission.value, ...(id ? { id } : {}) });
  if (!result.ok) {
    const field = result.error === "notFound" ? null : result.error === "role" ? "roles" : result.error;
    const reply = field ? submission.reply({ fieldErrors: { [field]: [errorKey(result.error)] } }) : submission.reply({ formErrors: [errorKey(result.error)] });
    return data({ intent, result: reply, formError: null }, { status: result.error === "notFound" ? 404 : 400 });
  }
  return redirect(`/staff/reports/subscriptions?notice=${id ? "updated" : "created"}`);
}

export default function ReportSubscriptionsPage() {
  const { notice, options, zone, editing, subscriptions, log } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("reports");
  const failedSave = actionData?.intent === "save" ? (actionData.result ?? undefined) : undefined;
  return (
    <>
      <PageHeader title={t("schedule.title")} />
      <p className="muted">{t("schedule.intro")}</p>
      {notice ? (
        <div className="alert success" role="status">
          {t(`schedule.notices.${notice}`)}
        </div>
      ) : null}
      <FormAlert errors={actionData?.formError ? [actionData.formError] : undefined} />
      <details className="card" open={Boolean(editing || failedSave)}>
        <summary>
          <strong>{editing ? t("schedule.edit", { name: editing.name }) : t("schedule.new")}</strong>
        </summary>
        <SubscriptionForm key={editing?.id ?? "new"} options={options} zone={zone} defaults={editing} lastResult={failedSave} />
      </details>
      {subscriptions.length === 0 ? (
        <p className="muted">{t("schedule.empty")}</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">{t("schedule.list.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("schedule.fields.name")}</th>
              <th scope="col">{t("schedule.list.schedule")}</th>
              <th scope="col">{t("schedule.list.recipients")}</th>
              <th scope="col">{t("schedule.list.next")}</th>
              <th scope="col">{t("schedule.list.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr key={s.id}>
                <td data-label={t("schedule.fields.name")}>
                  <strong>{s.name}</strong>
                  <br />
                  <span className="muted">
                    {s.target} · {s.branch}
                  </span>
                </td>
                <td data-label={t("schedule.list.schedule")}>
                  {s.when}
                  {s.alert ? (
                    <>
                      <br />
                      {s.alert.rule} · <span className="muted">{s.alert.state}</span>
                    </>
                  ) : null}
                </td>
                <td data-label={t("schedule.list.recipients")}>{s.recipients}</td>
                <td data-label={t("schedule.list.next")}>
                  <span className={`badge ${s.paused ? "off" : "ok"}`}>{s.paused ? t("schedule.list.paused") : t("schedule.list.active")}</span> {s.next ?? ""}
                </td>
                <td data-label={t("schedule.list.actions")}>
                  <Link to={`?edit=${s.id}`}>{t("schedule.list.edit")}</Link>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={s.id} />
                    <button type="submit" name="intent" value={s.paused ? "resume" : "pause"} className="button secondary">
                      {s.paused ? t("schedule.list.resume") : t("schedule.list.pause")}
                    </button>
                  </Form>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={s.id} />
                    <button type="submit" name="intent" value="delete" className="button danger" aria-label={`${t("schedule.list.delete")}: ${s.name}`}>
                      {t("schedule.list.delete")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card">
        <h2>{t("schedule.log.title")}</h2>
        {log.length === 0 ? (
          <p className="muted">{t("schedule.log.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("schedule.log.subscription")}</th>
                <th scope="col">{t("schedule.log.recipient")}</th>
                <th scope="col">{t("schedule.log.period")}</th>
                <th scope="col">{t("schedule.log.status")}</th>
                <th scope="col">{t("schedule.log.attempts")}</th>
                <th scope="col">{t("schedule.log.error")}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td data-label={t("schedule.log.subscription")}>{d.subscription}</td>
                  <td data-label={t("schedule.log.recipient")}>{d.recipient}</td>
                  <td data-label={t("schedule.log.period")}>{d.period}</td>
                  <td data-label={t("schedule.log.status")}>
                    <span className={`badge ${d.status === "sent" ? "ok" : d.status === "failed" ? "off" : ""}`}>{t(`schedule.log.statuses.${d.status}`)}</span> <span className="muted">{d.at}</span>
                  </td>
                  <td data-label={t("schedule.log.attempts")}>{d.attempts}</td>
                  <td data-label={t("schedule.log.error")}>{d.error ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
