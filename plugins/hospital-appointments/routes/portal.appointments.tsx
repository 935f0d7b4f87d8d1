import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatDate, formatDateTime, PageHeader, titleMeta } from "../../../app/plugin-api/ui.ts";
import { appointmentActionSchema, confirmVisitSchema, waitlistActionSchema } from "../appointment-forms.ts";
import { confirmOwnVisit } from "../patient-actions.server.ts";
import { cancelAppointment, myVisits } from "../booking.server.ts";
import { appointmentSettings } from "../visit.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { answerOffer, leaveWaitlist, myWaitlist } from "../waitlist.server.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const [visits, settings, waitlist] = await Promise.all([myVisits(context.runtime.db, actor), appointmentSettings(context.runtime.db), myWaitlist(context.runtime.db, actor.contactId)]);
  const cutoff = Date.now() + settings.cancelCutoffHours * 3600_000;
  return {
    title: pageTitle(context.language, "hospital-appointments:portal.title"),
    upcoming: visits.upcoming.map((v) => ({ ...v, changeable: v.status === "booked" && v.startAt.getTime() > cutoff })),
    past: visits.past,
    cutoffHours: settings.cancelCutoffHours,
    waitlist: waitlist.entries,
    offers: waitlist.offers,
    language: context.language,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const form = await request.formData();
  type Outcome = { error: string | null; cancelled: boolean; done?: string };
  const done = (key: string): Outcome => (key === "cancelled" ? { error: null, cancelled: true } : { error: null, cancelled: false, done: key });
  const failed = (error: string, status: number) => data<Outcome>({ error, cancelled: false }, { status });
  const waitlistAction = parseWithZod(form, { schema: waitlistActionSchema });
  if (waitlistAction.status === "success") {
    const v = waitlistAction.value;
    const result =
      v.intent === "leaveWaitlist"
        ? await leaveWaitlist(context.runtime.db, servicesOf(context), actor, { entryId: v.entryId })
        : await answerOffer(context.runtime.db, servicesOf(context), actor, { appointmentId: v.appointmentId, accept: v.intent === "acceptOffer" });
    if (!result.ok) return failed(result.error, result.error === "notFound" ? 404 : 409);
    return done(v.intent === "leaveWaitlist" ? "left" : v.intent === "acceptOffer" ? "accepted" : "declined");
  }
  const confirm = parseWithZod(form, { schema: confirmVisitSchema });
  if (confirm.status === "success") {
    const result = await confirmOwnVisit(context.runtime.db, actor, confirm.value.appointmentId);
    if (!result.ok) return failed(result.error, result.error === "notFound" ? 404 : 409);
    return done("confirmed");
  }
  const submission = parseWithZod(form, { schema: appointmentActionSchema });
  if (submission.status !== "success" || submission.value.intent !== "cancel") return failed("invalid", 400);
  const result = await cancelAppointment(context.runtime.db, servicesOf(context), actor, { appointmentId: submission.value.appointmentId, reason: "patient" });
  if (!result.ok) return failed(result.error, result.error === "notFound" ? 404 : 400);
  return done("cancelled");
}

export default function MyAppointments() {
  const { upcoming, past, cutoffHours, waitlist, offers, language } = useLoaderData<typeof loader>();
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
      {actionData?.done && actionData.done !== "cancelled" ? (
        <div className="alert success" role="status">
          {t(actionData.done === "confirmed" ? "portal.confirmed" : `portal.waitlist.${actionData.done}`)}
        </div>
      ) : null}
      {params.get("waitlisted") ? (
        <div className="alert success" role="status">
          {t("portal.waitlist.joined")}
        </div>
      ) : null}
      {offers.length ? (
        <section aria-labelledby="offers-title" className="stack">
          <h2 id="offers-title">{t("portal.waitlist.offersTitle")}</h2>
          <ul className="visit-list">
            {offers.map((o) => (
              <li key={o.id} className="card visit-card">
                <div className="row-between">
                  <strong>{formatDateTime(o.startAt, language, o.timeZone)}</strong>
                  <span className="badge info">{t("portal.queue", { queue: o.queueNumber })}</span>
                </div>
                <p>
                  {o.serviceName} · {o.practitionerName}
                </p>
                <p className="muted small">
                  {o.branchName} · {o.holdExpiresAt ? t("portal.waitlist.heldUntil", { time: formatDateTime(o.holdExpiresAt, language, o.timeZone) }) : null}
                </p>
                <div className="actions">
                  <Form method="post">
                    <input type="hidden" name="appointmentId" value={o.id} />
                    <button type="submit" name="intent" value="acceptOffer" className="primary">
                      {t("portal.waitlist.accept")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="appointmentId" value={o.id} />
                    <button type="submit" name="intent" value="declineOffer" className="link-button danger-text">
                      {t("portal.waitlist.decline")}
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        </section>
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
      {waitlist.length ? (
        <section aria-labelledby="waitlist-title" className="stack">
          <h2 id="waitlist-title">{t("portal.waitlist.title")}</h2>
          <ul className="visit-list">
            {waitlist.map((w) => (
              <li key={w.id} className="card visit-card">
                <p>
                  <strong>{t("portal.waitlist.entry", { service: (language === "en" && w.serviceNameEn) || w.serviceName, doctor: w.practitionerName ?? t("portal.anyDoctor") })}</strong>
                </p>
                <p className="muted small">{t("portal.waitlist.dates", { from: formatDate(w.dateFrom, language), to: formatDate(w.dateTo, language) })}</p>
                <Form method="post">
                  <input type="hidden" name="entryId" value={w.id} />
                  <button type="submit" name="intent" value="leaveWaitlist" className="link-button danger-text">
                    {t("portal.waitlist.leave")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
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
