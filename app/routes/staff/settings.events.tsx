// Parked events (ADR 012, 025): what a handler kept failing on, with its error; admins retry one or all.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { listParkedEvents, retryAllParkedEvents, retryParkedEvent } from "../../core/events/parked-events.server.ts";
import { formatDateTime, formatNumber } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { z } from "../../core/validation/validation.ts";
import { FormAlert } from "../../ui/form-field.tsx";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "operations"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";

const retrySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), subscriber: z.string().min(1).max(200), eventId: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("retryAll") }),
]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const parked = await listParkedEvents(runtime.db, runtime.bus);
  const params = new URL(request.url).searchParams;
  const count = (name: string) => Math.max(0, Number.parseInt(params.get(name) ?? "", 10) || 0);
  const notice = params.get("notice") === "retried" ? { retried: count("retried"), succeeded: count("succeeded"), stillFailing: count("retried") - count("succeeded") } : null;
  return {
    title: withAppName(fixedT(language, "operations")("parked.title")),
    tabs: settingsTabPermissions(actor.permissions),
    notice: notice && { ...notice, retriedText: formatNumber(notice.retried, language), succeededText: formatNumber(notice.succeeded, language) },
    total: parked.length,
    groups: groupBySubscriber(
      parked.map((p) => ({
        subscriber: p.subscriber,
        eventId: p.eventId,
        name: p.name,
        summary: p.summary,
        error: p.error,
        attempts: formatNumber(p.attempts, language),
        occurredAt: formatDateTime(p.occurredAt, language),
        parkedAt: formatDateTime(p.parkedAt, language),
      })),
    ),
  };
}

function groupBySubscriber<T extends { subscriber: string }>(rows: T[]) {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(row.subscriber, [...(groups.get(row.subscriber) ?? []), row]);
  return [...groups].map(([subscriber, events]) => ({ subscriber, events }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime } = context;
  const parsed = retrySchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "operations:parked.errors.invalid" }, { status: 400 });
  const input = parsed.data;
  let outcome;
  if (input.intent === "retry") {
    const result = await retryParkedEvent(runtime.db, runtime.bus, actor, { subscriber: input.subscriber, eventId: input.eventId, ip: context.clientIp });
    if (!result.ok) return data({ error: "operations:parked.errors.notParked" }, { status: 404 });
    outcome = result.outcome;
  } else {
    outcome = await retryAllParkedEvents(runtime.db, runtime.bus, actor, { ip: context.clientIp });
  }
  return redirect(`/staff/settings/events?notice=retried&retried=${outcome.retried}&succeeded=${outcome.succeeded}`);
}

export default function ParkedEvents() {
  const { tabs, notice, total, groups } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("operations");
  return (
    <>
      <SettingsHeader title={t("parked.title")} permissions={tabs} />
      <p className="muted">{t("parked.intro")}</p>
      {notice ? (
        <div className={`alert ${notice.stillFailing ? "warn" : "success"}`} role="status">
          {t("parked.notices.retried", { retried: notice.retriedText, succeeded: notice.succeededText })}
          {notice.stillFailing ? ` ${t("parked.notices.stillFailing", { count: notice.stillFailing })}` : null}
        </div>
      ) : null}
      <FormAlert errors={actionData?.error ? [actionData.error] : undefined} />
      {total === 0 ? (
        <p className="muted">{t("parked.empty")}</p>
      ) : (
        <>
          <Form method="post" className="cluster">
            <span>{t("parked.count", { count: total })}</span>
            <button type="submit" name="intent" value="retryAll" className="button" disabled={busy}>
              {t("parked.retryAll", { count: total })}
            </button>
          </Form>
          {groups.map((group) => (
            <section key={group.subscriber} className="stack">
              <h2>
                {t("parked.handler")}: <code>{group.subscriber}</code>
              </h2>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("parked.event")}</th>
                    <th scope="col">{t("parked.payload")}</th>
                    <th scope="col">{t("parked.error")}</th>
                    <th scope="col">{t("parked.attempts")}</th>
                    <th scope="col">{t("parked.parkedAt")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t("parked.retry")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {group.events.map((e) => (
                    <tr key={e.eventId}>
                      <td data-label={t("parked.event")}>
                        <code>{e.name}</code> #{e.eventId}
                        <div className="muted">
                          {t("parked.occurredAt")}: {e.occurredAt}
                        </div>
                      </td>
                      <td data-label={t("parked.payload")}>
                        <code className="wrap">{e.summary}</code>
                      </td>
                      <td data-label={t("parked.error")}>
                        <code className="wrap">{e.error}</code>
                      </td>
                      <td data-label={t("parked.attempts")}>{e.attempts}</td>
                      <td data-label={t("parked.parkedAt")}>{e.parkedAt}</td>
                      <td>
                        <Form method="post">
                          <input type="hidden" name="subscriber" value={e.subscriber} />
                          <input type="hidden" name="eventId" value={e.eventId} />
                          <button type="submit" name="intent" value="retry" className="button secondary" disabled={busy}>
                            {t("parked.retry")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </>
      )}
    </>
  );
}
