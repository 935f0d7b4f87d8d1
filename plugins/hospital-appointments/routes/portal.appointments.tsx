import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../../app/plugin-api/server.ts";
import { formatDateTime, PageHeader } from "../../../app/plugin-api/ui.ts";
import { appointmentActionSchema } from "../appointment-forms.ts";
import { appointmentSettings, cancelAppointment, myVisits } from "../booking.server.ts";
import { servicesOf } from "../route-helpers.server.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta: MetaFunction = () => [{ title: "Janji temu · Appointments · Nusa CRM" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const [visits, settings] = await Promise.all([myVisits(context.runtime.db, actor), appointmentSettings(context.runtime.db)]);
  const cutoff = Date.now() + settings.cancelCutoffHours * 3600_000;
  return {
    upcoming: visits.upcoming.map((v) => ({ ...v, changeable: v.status === "booked" && v.startAt.getTime() > cutoff })),
    past: visits.past,
    cutoffHours: settings.cancelCutoffHours,
    language: context.language,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const submission = parseWithZod(await request.formData(), { schema: appointmentActionSchema });
  if (submission.status !== "success" || submission.value.intent !== "cancel") return data({ error: "invalid" as string | null, cancelled: false }, { status: 400 });
  const result = await cancelAppointment(context.runtime.db, servicesOf(context), actor, { appointmentId: submission.value.appointmentId, reason: "patient" });
  if (!result.ok) return data({ error: result.error as string | null, cancelled: false }, { status: result.error === "notFound" ? 404 : 400 });
  return { error: null, cancelled: true };
}

export default function MyAppointments() {
  const { upcoming, past, cutoffHours, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("hospital-appointments");
  return (
    <>
      <PageHeader title={t("portal.title")}>
        <Link className="button primary" to="book">
          {t("portal.book")}
        </Link>
      </PageHeader>
      {params.get("booked") ? (
        <div className="alert success" role="status">
          {t("portal.booked")}
        </div>
      ) : null}
      {actionData?.cancelled ? (
        <div className="alert success" role="status">
          {t("portal.cancelled")}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(`errors.${actionData.error}`)}
        </div>
      ) : null}
      <section aria-labelledby="upcoming-title" className="stack">
        <h2 id="upcoming-title">{t("portal.upcoming")}</h2>
        {upcoming.length === 0 ? <p className="card muted">{t("portal.noUpcoming")}</p> : null}
        <ul className="visit-list">
          {upcoming.map((v) => (
            <li key={v.id} className="card visit-card">
              <div className="row-between">
                <strong>{formatDateTime(v.startAt, language, v.timeZone)}</strong>
                <span className="badge info">{t("portal.queue", { queue: v.queueNumber })}</span>
              </div>
              <p>
                {v.serviceName} · {v.practitionerName}
              </p>
              <p className="muted small">
                {v.branchName} · {t(`status.${v.status}`)}
              </p>
              {v.changeable ? (
                <div className="actions">
                  <Link className="button" to={`book?reschedule=${v.id}`}>
                    {t("portal.reschedule")}
                  </Link>
                  <Form method="post">
                    <input type="hidden" name="intent" value="cancel" />
                    <input type="hidden" name="appointmentId" value={v.id} />
                    <button type="submit" className="link-button danger-text">
                      {t("portal.cancel")}
                    </button>
                  </Form>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
        <p className="muted small">{t("portal.cutoffNote", { hours: cutoffHours })}</p>
      </section>
      <section aria-labelledby="past-title" className="stack">
        <h2 id="past-title">{t("portal.past")}</h2>
        {past.length === 0 ? <p className="card muted">{t("portal.noPast")}</p> : null}
        <ul className="visit-list">
          {past.map((v) => (
            <li key={v.id} className="card visit-card">
              <div className="row-between">
                <span>{formatDateTime(v.startAt, language, v.timeZone)}</span>
                <span className={`badge ${v.status === "fulfilled" ? "ok" : v.status === "noshow" ? "danger" : "off"}`}>{t(`status.${v.status}`)}</span>
              </div>
              <p className="muted small">
                {v.serviceName} · {v.practitionerName} · {v.branchName}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
