import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../../app/plugin-api/server.ts";
import { PageHeader, translateError } from "../../../app/plugin-api/ui.ts";
import { z } from "../../../app/plugin-api/index.ts";
import { exceptionSchema, practitionerSchema, scheduleSchema, serviceSchema } from "../appointment-forms.ts";
import { activeServices } from "../availability.server.ts";
import { createException, createPractitioner, createSchedule, createService, hospitalBranches, removeSchedule, setupOverview } from "../setup.server.ts";
import { localDateOf } from "../zone.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta: MetaFunction = () => [{ title: "Jadwal praktik · Schedules · Nusa CRM" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireStaff(context, request, "hospital-appointments.schedule.manage");
  const db = context.runtime.db;
  const [overview, branches, services] = await Promise.all([setupOverview(db, localDateOf(new Date(), "Asia/Jakarta")), hospitalBranches(db), activeServices(db)]);
  return { ...overview, branches, activeServices: services };
}

const removeSchema = z.object({ intent: z.literal("removeSchedule"), scheduleId: z.string().uuid() });
const anySchema = z.discriminatedUnion("intent", [serviceSchema, practitionerSchema, removeSchema]);

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.schedule.manage");
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const db = context.runtime.db;
  const schema = intent === "schedule" ? scheduleSchema : intent === "exception" ? exceptionSchema : anySchema;
  const submission = parseWithZod(form, { schema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flat().filter(Boolean) as string[];
    return data({ intent, errors: errors.length ? errors : ["hospital-appointments:errors.invalid"], saved: false }, { status: 400 });
  }
  const v = submission.value as { intent: string };
  let result: { ok: boolean; error?: string } = { ok: true };
  if (v.intent === "service") result = await createService(db, actor, submission.value as z.infer<typeof serviceSchema>);
  else if (v.intent === "practitioner") result = await createPractitioner(db, actor, submission.value as z.infer<typeof practitionerSchema>);
  else if (v.intent === "schedule") result = await createSchedule(db, actor, submission.value as z.infer<typeof scheduleSchema>);
  else if (v.intent === "exception") result = await createException(db, actor, submission.value as z.infer<typeof exceptionSchema>);
  else if (v.intent === "removeSchedule") await removeSchedule(db, actor, (submission.value as z.infer<typeof removeSchema>).scheduleId);
  if (!result.ok) return data({ intent, errors: [`hospital-appointments:errors.${result.error}`], saved: false }, { status: 400 });
  return { intent, errors: [] as string[], saved: true };
}

export default function Setup() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("hospital-appointments");
  const feedback = (intent: string) =>
    actionData?.intent === intent ? (
      actionData.saved ? (
        <p className="alert success" role="status">
          {t("staff.saved")}
        </p>
      ) : (
        <p className="alert error" role="alert">
          {actionData.errors.map((e) => translateError(t, e)).join(" ")}
        </p>
      )
    ) : null;
  const weekdays = [1, 2, 3, 4, 5, 6, 7];
  return (
    <>
      <PageHeader title={t("staff.setupTitle")} />
      <section className="card stack" aria-labelledby="sched-title">
        <h2 id="sched-title">{t("staff.schedules")}</h2>
        <table className="data">
          <thead>
            <tr>
              <th>{t("staff.columns.doctor")}</th>
              <th>{t("staff.columns.service")}</th>
              <th>{t("staff.fields.weekday")}</th>
              <th>{t("staff.columns.time")}</th>
              <th>{t("staff.fields.slotMinutes")}</th>
              <th>{t("staff.fields.capacity")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {d.schedules.map((s) => (
              <tr key={s.id}>
                <td data-label={t("staff.columns.doctor")}>{s.practitionerName}</td>
                <td data-label={t("staff.columns.service")}>{s.serviceName}</td>
                <td data-label={t("staff.fields.weekday")}>{t(`weekdays.${s.weekday}`)}</td>
                <td data-label={t("staff.columns.time")}>
                  {s.startTime}–{s.endTime}
                  {s.breakStart ? ` (${s.breakStart}–${s.breakEnd})` : ""}
                </td>
                <td data-label={t("staff.fields.slotMinutes")}>{s.slotMinutes}</td>
                <td data-label={t("staff.fields.capacity")}>{s.capacity}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="removeSchedule" />
                    <input type="hidden" name="scheduleId" value={s.id} />
                    <button type="submit" className="link-button danger-text">
                      {t("staff.remove")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {feedback("schedule")}
        <Form method="post" className="grid two">
          <input type="hidden" name="intent" value="schedule" />
          <Select name="practitionerId" label={t("staff.columns.doctor")} options={d.practitioners.map((p) => ({ value: p.id, label: p.name }))} />
          <Select name="serviceId" label={t("staff.columns.service")} options={d.activeServices.map((s) => ({ value: s.id, label: `${s.name} · ${s.branchName}` }))} />
          <Select name="weekday" label={t("staff.fields.weekday")} options={weekdays.map((w) => ({ value: String(w), label: t(`weekdays.${w}`) }))} />
          <Input name="startTime" label={t("staff.fields.startTime")} type="time" defaultValue="08:00" />
          <Input name="endTime" label={t("staff.fields.endTime")} type="time" defaultValue="12:00" />
          <Input name="breakStart" label={t("staff.fields.breakStart")} type="time" />
          <Input name="breakEnd" label={t("staff.fields.breakEnd")} type="time" />
          <Input name="slotMinutes" label={t("staff.fields.slotMinutes")} type="number" defaultValue="15" />
          <Input name="capacity" label={t("staff.fields.capacity")} type="number" defaultValue="1" />
          <div className="field">
            <button type="submit" className="primary">
              {t("staff.add")}
            </button>
          </div>
        </Form>
      </section>

      <section className="card stack" aria-labelledby="exc-title">
        <h2 id="exc-title">{t("staff.exceptions")}</h2>
        <ul className="plain-list">
          {d.exceptions.map((e) => (
            <li key={e.id}>
              {t(`staff.kinds.${e.kind}`)}: {e.practitionerName ?? e.branchName} · {e.startDate} – {e.endDate} {e.reason ? `· ${e.reason}` : ""}
            </li>
          ))}
        </ul>
        {feedback("exception")}
        <Form method="post" className="grid two">
          <input type="hidden" name="intent" value="exception" />
          <Select name="kind" label={t("staff.fields.kind")} options={(["leave", "holiday"] as const).map((k) => ({ value: k, label: t(`staff.kinds.${k}`) }))} />
          <Select name="practitionerId" label={t("staff.columns.doctor")} options={[{ value: "", label: t("staff.fields.none") }, ...d.practitioners.map((p) => ({ value: p.id, label: p.name }))]} />
          <Select name="branchId" label={t("staff.branch")} options={[{ value: "", label: t("staff.fields.none") }, ...d.branches.map((b) => ({ value: b.id, label: b.name }))]} />
          <Input name="startDate" label={t("staff.fields.startDate")} type="date" />
          <Input name="endDate" label={t("staff.fields.endDate")} type="date" />
          <Input name="reason" label={t("staff.fields.reason")} />
          <div className="field">
            <button type="submit" className="primary">
              {t("staff.add")}
            </button>
          </div>
        </Form>
      </section>

      <div className="grid two">
        <section className="card stack" aria-labelledby="svc-title">
          <h2 id="svc-title">{t("staff.services")}</h2>
          <ul className="plain-list">
            {d.services.map((s) => (
              <li key={s.id}>
                <span className="mono">{s.code}</span> {s.name} · <span className="muted">{s.branchName}</span>
              </li>
            ))}
          </ul>
          {feedback("service")}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="service" />
            <Select name="branchId" label={t("staff.branch")} options={d.branches.map((b) => ({ value: b.id, label: b.name }))} />
            <Input name="code" label={t("staff.fields.code")} />
            <Input name="name" label={t("staff.fields.name")} />
            <Input name="nameEn" label={t("staff.fields.nameEn")} />
            <button type="submit" className="primary">
              {t("staff.add")}
            </button>
          </Form>
        </section>
        <section className="card stack" aria-labelledby="doc-title">
          <h2 id="doc-title">{t("staff.practitioners")}</h2>
          <ul className="plain-list">
            {d.practitioners.map((p) => (
              <li key={p.id}>
                {p.name} {p.specialty ? <span className="muted">· {p.specialty}</span> : null} {p.email ? <span className="muted small">· {p.email}</span> : null}
              </li>
            ))}
          </ul>
          {feedback("practitioner")}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="practitioner" />
            <Input name="name" label={t("staff.fields.name")} />
            <Input name="specialty" label={t("staff.fields.specialty")} />
            <Select name="userId" label={t("staff.fields.user")} options={[{ value: "", label: t("staff.fields.none") }, ...d.doctorUsers.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }))]} />
            <button type="submit" className="primary">
              {t("staff.add")}
            </button>
          </Form>
        </section>
      </div>
    </>
  );
}

function Input({ name, label, type = "text", defaultValue }: { name: string; label: string; type?: string; defaultValue?: string }) {
  const id = `setup-${name}-${label.length}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} defaultValue={defaultValue} />
    </div>
  );
}

function Select({ name, label, options }: { name: string; label: string; options: { value: string; label: string }[] }) {
  const id = `setup-${name}-${label.length}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
