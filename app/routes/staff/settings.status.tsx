import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime, formatNumber } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { loadOperationsStatus } from "../../core/operations/operations-status.server.ts";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "operations"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const status = await loadOperationsStatus(context.runtime);
  const language = context.language;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, language) : null);
  const number = (n: number) => formatNumber(n, language);
  return {
    title: withAppName(fixedT(language, "operations")("status.title")),
    tabs: settingsTabPermissions(actor.permissions),
    updated: when(status.at)!,
    alertCount: status.alertCount,
    queues: status.queues.map((q) => ({ ...q, waiting: number(q.waiting), active: number(q.active), failed24h: number(q.failed24h), alertSince: when(q.alertSince) })),
    handlers: status.handlers.map((h) => ({ ...h, pending: number(h.pending), alertSince: when(h.alertSince) })),
    horizon: status.horizon.holder && status.horizon.waiting > 0 ? { ...status.horizon.holder, held: status.horizon.held, waiting: number(status.horizon.waiting), alertSince: when(status.horizon.alertSince) } : null,
    channels: status.channels.map((c) => ({
      ...c,
      sent: number(c.sent),
      failed: number(c.failed),
      queued: number(c.queued),
      sentLastHour: number(c.sentLastHour),
      failedLastHour: number(c.failedLastHour),
      alertSince: when(c.alertSince),
    })),
    signInFailures24h: number(status.signInFailures24h),
    database: { ...status.database, active: number(status.database.connections.active), idle: number(status.database.connections.idle), poolMax: number(status.database.poolMax) },
    backup: {
      ...status.backup,
      lastAt: when(status.backup.lastAt),
      lastBytes: status.backup.lastBytes === null ? null : number(status.backup.lastBytes),
      alertSince: when(status.backup.alertSince),
    },
  };
}

function useDuration() {
  const { t } = useTranslation("operations");
  return (seconds: number) =>
    seconds < 120
      ? t("duration.seconds", { count: seconds })
      : seconds < 120 * 60
        ? t("duration.minutes", { count: Math.floor(seconds / 60) })
        : t("duration.hours", { count: Math.floor(seconds / 3600) });
}

function State({ bad, label, since }: { bad: boolean; label: string; since: string | null }) {
  const { t } = useTranslation("operations");
  return (
    <>
      <span className={`badge ${bad ? "warn" : "ok"}`}>{bad ? label : t("status.ok")}</span>
      {since ? <span className="muted"> {t("status.since", { time: since })}</span> : null}
    </>
  );
}

export default function OperationsStatus() {
  const { tabs, updated, alertCount, queues, handlers, horizon, channels, signInFailures24h, database, backup } = useLoaderData<typeof loader>();
  const { t } = useTranslation("operations");
  const duration = useDuration();
  return (
    <>
      <SettingsHeader title={t("status.title")} permissions={tabs} />
      <p className="muted">{t("status.intro")}</p>
      <p className="muted">{t("status.updated", { time: updated })}</p>
      <div className={`alert ${alertCount ? "warn" : "success"}`} role="status">
        {alertCount ? t("status.alertsActive", { count: alertCount }) : t("status.allClear")}
      </div>

      <section className="stack">
        <h2>{t("status.queues.title")}</h2>
        {queues.length === 0 ? (
          <p className="muted">{t("status.queues.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("status.queues.queue")}</th>
                <th scope="col">{t("status.queues.waiting")}</th>
                <th scope="col">{t("status.queues.active")}</th>
                <th scope="col">{t("status.queues.failed24h")}</th>
                <th scope="col">{t("status.queues.oldestWait")}</th>
                <th scope="col">{t("status.queues.state")}</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.queue}>
                  <td data-label={t("status.queues.queue")}>
                    <code>{q.queue}</code>
                  </td>
                  <td data-label={t("status.queues.waiting")}>{q.waiting}</td>
                  <td data-label={t("status.queues.active")}>{q.active}</td>
                  <td data-label={t("status.queues.failed24h")}>{q.failed24h}</td>
                  <td data-label={t("status.queues.oldestWait")}>{q.oldestWaitSeconds ? duration(q.oldestWaitSeconds) : "–"}</td>
                  <td data-label={t("status.queues.state")}>
                    <State bad={q.behind} label={t("status.behind")} since={q.alertSince} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="stack">
        <h2>{t("status.handlers.title")}</h2>
        {handlers.length === 0 ? (
          <p className="muted">{t("status.handlers.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("status.handlers.handler")}</th>
                <th scope="col">{t("status.handlers.pending")}</th>
                <th scope="col">{t("status.handlers.lag")}</th>
                <th scope="col">{t("status.queues.state")}</th>
              </tr>
            </thead>
            <tbody>
              {handlers.map((h) => (
                <tr key={h.handler}>
                  <td data-label={t("status.handlers.handler")}>
                    <code>{h.handler}</code>
                  </td>
                  <td data-label={t("status.handlers.pending")}>{h.pending}</td>
                  <td data-label={t("status.handlers.lag")}>{h.lagSeconds ? duration(h.lagSeconds) : "–"}</td>
                  <td data-label={t("status.queues.state")}>
                    <State bad={h.behind} label={t("status.behind")} since={h.alertSince} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {horizon ? (
          <div className={`alert ${horizon.held ? "warn" : "info"}`} role="status">
            <p>
              {horizon.held
                ? t("status.horizon.held", { duration: duration(horizon.ageSeconds), pid: horizon.pid, application: horizon.application, state: horizon.state, waiting: horizon.waiting })
                : t("status.horizon.open", { duration: duration(horizon.ageSeconds), pid: horizon.pid, application: horizon.application, waiting: horizon.waiting })}
              {horizon.alertSince ? <span className="muted"> {t("status.since", { time: horizon.alertSince })}</span> : null}
            </p>
            {horizon.held ? <p>{t("status.horizon.advice", { pid: horizon.pid })}</p> : null}
          </div>
        ) : null}
      </section>

      <section className="stack">
        <h2>{t("status.channels.title")}</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t("status.channels.channel")}</th>
              <th scope="col">{t("status.channels.sent")}</th>
              <th scope="col">{t("status.channels.failed")}</th>
              <th scope="col">{t("status.channels.queued")}</th>
              <th scope="col">{t("status.channels.lastHour")}</th>
              <th scope="col">{t("status.queues.state")}</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.channel}>
                <td data-label={t("status.channels.channel")}>{t(`channels.${c.channel}`)}</td>
                <td data-label={t("status.channels.sent")}>{c.sent}</td>
                <td data-label={t("status.channels.failed")}>{c.failed}</td>
                <td data-label={t("status.channels.queued")}>{c.queued}</td>
                <td data-label={t("status.channels.lastHour")}>{t("status.channels.lastHourValue", { sent: c.sentLastHour, failed: c.failedLastHour })}</td>
                <td data-label={t("status.queues.state")}>
                  <State bad={c.failing} label={t("status.failing")} since={c.alertSince} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <div className="grid two">
        <section className="card stack-sm">
          <h2>{t("status.backup.title")}</h2>
          {backup.enabled ? null : <p className="muted">{t("status.backup.off")}</p>}
          <dl className="details">
            <div>
              <dt>{t("status.backup.last")}</dt>
              <dd>
                {backup.lastAt ?? t("status.backup.never")}{" "}
                {backup.enabled ? <State bad={backup.late || backup.alertSince !== null} label={t("status.late")} since={backup.alertSince} /> : null}
              </dd>
            </div>
            {backup.ageHours !== null ? (
              <div>
                <dt>{t("status.backup.age")}</dt>
                <dd>{duration(backup.ageHours * 3600)}</dd>
              </div>
            ) : null}
            {backup.lastFile ? (
              <div>
                <dt>{t("status.backup.file")}</dt>
                <dd>
                  <code>{backup.lastFile}</code>
                  {backup.lastBytes ? ` · ${backup.lastBytes} B` : null}
                </dd>
              </div>
            ) : null}
          </dl>
          {backup.enabled ? <p className="muted">{t("status.backup.maxAge", { hours: backup.maxAgeHours })}</p> : null}
        </section>
        <section className="card stack-sm">
          <h2>{t("status.database.title")}</h2>
          <dl className="details">
            <div>
              <dt>{t("status.database.kind")}</dt>
              <dd>{t(`status.database.${database.kind}`)}</dd>
            </div>
            <div>
              <dt>{t("status.database.connections")}</dt>
              <dd>{t("status.database.connectionsValue", { active: database.active, idle: database.idle })}</dd>
            </div>
            <div>
              <dt>{t("status.database.poolMax")}</dt>
              <dd>{database.poolMax}</dd>
            </div>
          </dl>
          <h2>{t("status.signIns.title")}</h2>
          <dl>
            <div>
              <dt>{t("status.signIns.failed24h")}</dt>
              <dd>{signInFailures24h}</dd>
            </div>
          </dl>
        </section>
      </div>
    </>
  );
}
