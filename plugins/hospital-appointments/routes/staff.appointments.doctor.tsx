import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, staffTimeZone, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatLocalTime, PageHeader, titleMeta } from "../../../app/plugin-api/ui.ts";
import { doctorDay } from "../booking.server.ts";
import { isLocalDate, localTimeOf, today } from "../../../app/plugin-api/index.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.appointment.read");
  const raw = new URL(request.url).searchParams.get("date") ?? "";
  const date = isLocalDate(raw) ? raw : today(await staffTimeZone(context.runtime.db, actor));
  const day = await doctorDay(context.runtime.db, actor, date);
  return { title: pageTitle(context.language, "hospital-appointments:staff.doctorTitle"), date, practitioner: day.practitioner, visits: day.visits.map((v) => ({ ...v, time: formatLocalTime(localTimeOf(v.startAt, v.timeZone), context.language) })) };
}

export default function DoctorDay() {
  const { date, practitioner, visits } = useLoaderData<typeof loader>();
  const { t } = useTranslation("hospital-appointments");
  return (
    <>
      <PageHeader title={practitioner ? `${t("staff.doctorTitle")} · ${practitioner.name}` : t("staff.doctorTitle")} />
      <Form method="get" className="toolbar compact">
        <div className="field">
          <label htmlFor="doc-date">{t("staff.date")}</label>
          <input id="doc-date" type="date" name="date" defaultValue={date} />
        </div>
        <button type="submit" className="button">{t("staff.show")}</button>
      </Form>
      {!practitioner ? <p className="alert info">{t("staff.notPractitioner")}</p> : null}
      {practitioner && visits.length === 0 ? <p className="card muted">{t("staff.empty")}</p> : null}
      <ol className="visit-list">
        {visits.map((v) => (
          <li key={v.id} className="card visit-card">
            <div className="row-between">
              <strong>
                #{v.queueNumber} · {v.time}
              </strong>
              <span className={`badge status-${v.status}`}>{t(`status.${v.status}`)}</span>
            </div>
            <p>
              <Link to={`/staff/contacts/${v.contactId}`}>{v.contactName}</Link>
              {v.medicalRecordNumber ? <span className="muted nowrap"> · {t("staff.mrn", { value: v.medicalRecordNumber })}</span> : null} · {v.serviceName}
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}
