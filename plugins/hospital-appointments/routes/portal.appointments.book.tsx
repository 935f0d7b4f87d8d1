import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatDateTime, PageHeader, titleMeta } from "../../../app/plugin-api/ui.ts";
import { bookSchema, joinWaitlistSchema } from "../appointment-forms.ts";
import { bookingPickerData } from "../booking-picker.server.ts";
import { BookingPicker } from "../booking-picker.tsx";
import { bookAppointment, myVisits } from "../booking.server.ts";
import { appointmentSettings } from "../visit.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { joinWaitlist } from "../waitlist.server.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const url = new URL(request.url);
  const settings = await appointmentSettings(context.runtime.db);
  const picker = await bookingPickerData(context.runtime.db, url, { horizonDays: settings.horizonDays, language: context.language });
  const rescheduleId = url.searchParams.get("reschedule");
  // only the patient's own visit can be rescheduled; anything else is ignored
  const rescheduling = rescheduleId ? ((await myVisits(context.runtime.db, actor)).upcoming.find((v) => v.id === rescheduleId) ?? null) : null;
  return { title: pageTitle(context.language, rescheduling ? "hospital-appointments:portal.reschedule" : "hospital-appointments:portal.book"), picker, rescheduling, language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const form = await request.formData();
  if (form.get("intent") === "waitlist") {
    const joining = parseWithZod(form, { schema: joinWaitlistSchema });
    if (joining.status !== "success") return data({ error: "invalid" }, { status: 400 });
    const joined = await joinWaitlist(context.runtime.db, actor, { ...joining.value, contactId: actor.contactId });
    if (!joined.ok) return data({ error: joined.error }, { status: joined.error === "notFound" ? 404 : 409 });
    return redirect("/portal/appointments?waitlisted=1");
  }
  const submission = parseWithZod(form, { schema: bookSchema });
  if (submission.status !== "success") return data({ error: "invalid" }, { status: 400 });
  const v = submission.value;
  const result = await bookAppointment(context.runtime.db, servicesOf(context), actor, {
    contactId: actor.contactId,
    serviceId: v.serviceId,
    practitionerId: v.practitionerId,
    startAt: new Date(v.startAt),
    channel: "portal",
    rescheduleId: v.rescheduleId ?? null,
  });
  if (!result.ok) return data({ error: result.error }, { status: result.error === "notFound" ? 404 : 409 });
  return redirect("/portal/appointments?booked=1");
}

export default function BookAppointment() {
  const { picker, rescheduling, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-appointments");
  return (
    <>
      <PageHeader title={rescheduling ? t("portal.reschedule") : t("portal.book")}>
        <Link to="/portal/appointments">{t("portal.title")}</Link>
      </PageHeader>
      {rescheduling ? (
        <div className="alert info" role="status">
          {t("portal.rescheduling", { service: rescheduling.serviceName, when: formatDateTime(rescheduling.startAt, language, rescheduling.timeZone) })}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(`errors.${actionData.error}`)}
        </div>
      ) : null}
      <BookingPicker picker={picker} hidden={rescheduling ? { reschedule: rescheduling.id, rescheduleId: rescheduling.id } : {}} language={language} waitlist={rescheduling ? undefined : "portal"} />
    </>
  );
}
