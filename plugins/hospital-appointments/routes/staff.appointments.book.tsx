import { parseWithZod } from "@conform-to/zod";
import { isUuid } from "../../../app/plugin-api/index.ts";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, pageTitle } from "../../../app/plugin-api/server.ts";
import { contacts } from "../../../app/plugin-api/schema.ts";
import { PageHeader, titleMeta } from "../../../app/plugin-api/ui.ts";
import { bookSchema, joinWaitlistSchema } from "../appointment-forms.ts";
import { bookingPickerData } from "../booking-picker.server.ts";
import { BookingPicker } from "../booking-picker.tsx";
import { bookAppointment } from "../booking.server.ts";
import { appointmentSettings } from "../visit.server.ts";
import { servicesOf } from "../route-helpers.server.ts";
import { joinWaitlist } from "../waitlist.server.ts";
import { eq } from "drizzle-orm";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "hospital-appointments.appointment.manage");
  const url = new URL(request.url);
  const contactId = url.searchParams.get("contactId") ?? "";
  const [contact] = isUuid(contactId) ? await context.runtime.db.select({ id: contacts.id, fullName: contacts.fullName }).from(contacts).where(eq(contacts.id, contactId)) : [];
  const settings = await appointmentSettings(context.runtime.db);
  const picker = await bookingPickerData(context.runtime.db, url, { horizonDays: Math.max(settings.horizonDays, 90), language: context.language });
  return { title: pageTitle(context.language, "hospital-appointments:staff.bookTitle"), contact: contact ?? null, picker, source: url.searchParams.get("source"), language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.appointment.manage");
  const form = await request.formData();
  if (form.get("intent") === "waitlist") {
    const joining = parseWithZod(form, { schema: joinWaitlistSchema });
    if (joining.status !== "success" || !joining.value.contactId) return data({ error: "invalid" as string | null, joined: false }, { status: 400 });
    const joined = await joinWaitlist(context.runtime.db, actor, { ...joining.value, contactId: joining.value.contactId });
    if (!joined.ok) return data({ error: joined.error as string | null, joined: false }, { status: joined.error === "notFound" ? 404 : 409 });
    return { error: null, joined: true };
  }
  const submission = parseWithZod(form, { schema: bookSchema });
  if (submission.status !== "success" || !submission.value.contactId) return data({ error: "invalid" as string | null, joined: false }, { status: 400 });
  const v = submission.value;
  const [sourceType, sourceId] = v.source ? v.source.split(":") : [null, null];
  const result = await bookAppointment(context.runtime.db, servicesOf(context), actor, {
    contactId: v.contactId!,
    serviceId: v.serviceId,
    practitionerId: v.practitionerId,
    startAt: new Date(v.startAt),
    channel: sourceType ? "referral" : (v.channel ?? "frontdesk"),
    sourceType,
    sourceId,
    note: v.note ?? null,
  });
  if (!result.ok) return data({ error: result.error as string | null, joined: false }, { status: result.error === "notFound" ? 404 : 409 });
  return redirect(`/staff/appointments?branch=${result.appointment.branchId}&date=${result.appointment.localDate}`);
}

export default function StaffBook() {
  const { contact, picker, source, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-appointments");
  if (!contact) {
    return (
      <>
        <PageHeader title={t("staff.bookTitle")} />
        <p className="card">
          {t("staff.pickContact")} <Link to="/staff/contacts">→</Link>
        </p>
      </>
    );
  }
  const hidden: Record<string, string> = { contactId: contact.id };
  if (source) hidden.source = source;
  return (
    <>
      <PageHeader title={t("staff.bookTitle")}>
        <Link to={`/staff/contacts/${contact.id}`}>{t("staff.bookFor", { name: contact.fullName })}</Link>
      </PageHeader>
      {source ? <p className="alert info">{t("staff.fromReferral")}</p> : null}
      {actionData?.joined ? (
        <div className="alert success" role="status">
          {t("staff.waitlist.joined")}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(`errors.${actionData.error}`)}
        </div>
      ) : null}
      <BookingPicker picker={picker} hidden={hidden} language={language} waitlist="staff" />
    </>
  );
}
