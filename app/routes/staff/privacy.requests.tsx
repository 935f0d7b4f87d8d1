import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { requestClock, requestListSchema } from "../../core/privacy/request-desk-forms.ts";
import { listRequests, requestManagePermission } from "../../core/privacy/request-desk.server.ts";
import { formatDateTime } from "../../core/time/format-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { Countdown } from "../../ui/privacy-desk.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;
export const handle = { i18n: ["privacy"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, requestManagePermission);
  const url = new URL(request.url);
  // an unknown filter falls back to the open requests rather than failing
  const parsed = requestListSchema.safeParse({ status: url.searchParams.get("status") ?? undefined });
  const filter = parsed.success ? parsed.data : { status: "open" as const };
  const db = context.runtime.db;
  const now = new Date();
  const timeZone = await staffTimeZone(db, actor);
  const rows = await listRequests(db, actor, filter);
  return {
    title: pageTitle(context.language, "privacy:desk.title"),
    filter: filter.status,
    requests: rows.map((r) => ({
      ...r,
      clock: requestClock(r, now),
      created: formatDateTime(r.createdAt, context.language, timeZone),
      due: formatDateTime(r.dueAt, context.language, timeZone),
    })),
  };
}

export default function PrivacyRequests() {
  const { filter, requests } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const c = (k: string) => t(`desk.columns.${k}`);
  return (
    <>
      <p>
        <Link to="/staff/privacy">← {t("dpo.title")}</Link>
      </p>
      <PageHeader title={t("desk.title")} />
      <p className="muted">{t("desk.intro")}</p>
      <Form method="get" className="report-filters">
        <label>
          {t("desk.filter.label")}
          <select name="status" defaultValue={filter}>
            {(["open", "completed", "refused", "all"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`desk.filter.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("desk.filter.apply")}</button>
      </Form>
      {requests.length === 0 ? (
        <p className="muted">{t("desk.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{c("kind")}</th>
              <th>{c("person")}</th>
              <th>{c("received")}</th>
              <th>{c("due")}</th>
              <th>{c("status")}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <td data-label={c("kind")}>
                  <Link to={`/staff/privacy/requests/${r.id}`}>{t(`desk.kinds.${r.kind}`)}</Link>
                </td>
                <td data-label={c("person")}>{r.contactName ?? r.userName ?? "—"}</td>
                <td data-label={c("received")}>{r.created}</td>
                <td data-label={c("due")}>
                  {r.due}
                  <br />
                  <Countdown clock={r.clock} />
                </td>
                <td data-label={c("status")}>
                  {t(`desk.statuses.${r.status}`)}
                  {r.escalatedAt && r.clock.phase !== "closed" ? (
                    <>
                      {" "}
                      <span className="badge warn">{t("desk.escalated")}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
