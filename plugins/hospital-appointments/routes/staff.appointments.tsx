import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff, pageTitle, safeRedirect } from "../../../app/plugin-api/server.ts";
import { formatLocalTime, PageHeader, titleMeta } from "../../../app/plugin-api/ui.ts";
import { appointmentActionSchema } from "../appointment-forms.ts";
import { branchDay, cancelAppointment, changeStatus } from "../booking.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { hospitalBranches } from "../setup.server.ts";
import { isLocalDate, localDateOf, localTimeOf, zoneOrDefault } from "../../../app/plugin-api/index.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = requireStaff(context, request, "hospital-appointments.appointment.read");
  const url = new URL(request.url);
  const branches = await hospitalBranches(context.runtime.db);
  const branch = branches.find((b) => b.id === url.searchParams.get("branch")) ?? branches.find((b) => b.id === auth.actor.branchId) ?? branches[0] ?? null;
  const tz = zoneOrDefault(branch?.timeZone);
  const rawDate = url.searchParams.get("date") ?? "";
  const date = isLocalDate(rawDate) ? rawDate : localDateOf(new Date(), tz);
  const visits = branch ? await branchDay(context.runtime.db, { branchId: branch.id, date }) : [];
  return {
    title: pageTitle(context.language, "hospital-appointments:staff.dayTitle"),
    branches,
    branchId: branch?.id ?? null,
    date,
    visits: visits.map((v) => ({ ...v, time: formatLocalTime(localTimeOf(v.startAt, tz), context.language) })),
    canManage: hasPermission(context.auth, "hospital-appointments.appointment.manage"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.appointment.manage");
  const form = await request.formData();
  const submission = parseWithZod(form, { schema: appointmentActionSchema });
  if (submission.status !== "success") return data({ error: "invalid" }, { status: 400 });
  const { intent, appointmentId, reason } = submission.value;
  const services = servicesOf(context);
  const result =
    intent === "cancel"
      ? await cancelAppointment(context.runtime.db, services, actor, { appointmentId, reason })
      : await changeStatus(context.runtime.db, services, actor, { appointmentId, action: intent });
  if (!result.ok) return data({ error: result.error }, { status: result.error === "notFound" ? 404 : 409 });
  // checked in from the patient's page (the contact 360 panel): back there, where the visit now shows "arrived"
  const returnTo = safeRedirect(form.get("returnTo"), "");
  if (returnTo.startsWith("/staff/contacts/")) return redirect(returnTo);
  return { error: null };
}

const nextActions: Record<string, ("checkIn" | "fulfil" | "noShow" | "cancel")[]> = {
  booked: ["checkIn", "noShow", "cancel"],
  arrived: ["fulfil"],
};

export default function DayView() {
  const { branches, branchId, date, visits, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-appointments");
  return (
    <>
      <PageHeader title={t("staff.dayTitle")} />
      <Form method="get" className="toolbar filters">
        <div className="field">
          <label htmlFor="day-branch">{t("staff.branch")}</label>
          <select id="day-branch" name="branch" defaultValue={branchId ?? ""}>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="day-date">{t("staff.date")}</label>
          <input id="day-date" type="date" name="date" defaultValue={date} />
        </div>
        <button type="submit" className="button">{t("staff.show")}</button>
      </Form>
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(`errors.${actionData.error}`)}
        </div>
      ) : null}
      {visits.length === 0 ? (
        <p className="card muted">{t("staff.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("staff.columns.time")}</th>
              <th>{t("staff.columns.queue")}</th>
              <th>{t("staff.columns.patient")}</th>
              <th>{t("staff.columns.service")}</th>
              <th>{t("staff.columns.doctor")}</th>
              <th>{t("staff.columns.status")}</th>
              {canManage ? <th>{t("staff.columns.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {visits.map((v) => (
              <tr key={v.id}>
                <td data-label={t("staff.columns.time")}>{v.time}</td>
                <td data-label={t("staff.columns.queue")}>{v.queueNumber}</td>
                <td data-label={t("staff.columns.patient")}>
                  <Link to={`/staff/contacts/${v.contactId}`}>{v.contactName}</Link>
                  {v.medicalRecordNumber ? <small className="muted nowrap"> · {t("staff.mrn", { value: v.medicalRecordNumber })}</small> : null}
                </td>
                <td data-label={t("staff.columns.service")}>{v.serviceName}</td>
                <td data-label={t("staff.columns.doctor")}>{v.practitionerName}</td>
                <td data-label={t("staff.columns.status")}>
                  <span className={`badge status-${v.status}`}>{t(`status.${v.status}`)}</span>
                  {v.confirmedAt && v.status === "booked" ? <span className="badge ok">{t("staff.confirmed")}</span> : null}
                </td>
                {canManage ? (
                  <td data-label={t("staff.columns.actions")}>
                    <div className="actions">
                      {(nextActions[v.status] ?? []).map((intent) => (
                        <Form method="post" key={intent}>
                          <input type="hidden" name="intent" value={intent} />
                          <input type="hidden" name="appointmentId" value={v.id} />
                          <button type="submit" className={intent === "checkIn" || intent === "fulfil" ? "primary" : "link-button"}>
                            {t(`staff.actions.${intent}`)}
                          </button>
                        </Form>
                      ))}
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
