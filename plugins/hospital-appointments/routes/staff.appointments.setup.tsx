import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff, staffTimeZone, pageTitle } from "../../../app/plugin-api/server.ts";
import { formatLocalTime, PageHeader, translateError, titleMeta } from "../../../app/plugin-api/ui.ts";
import { z } from "../../../app/plugin-api/index.ts";
import { exceptionSchema, practitionerSchema, scheduleSchema, serviceSchema } from "../appointment-forms.ts";
import { activeServices } from "../availability.server.ts";
import {
  activatePractitioner,
  activateService,
  createException,
  createPractitioner,
  createSchedule,
  createService,
  hospitalBranches,
  removeException,
  removePractitioner,
  removeSchedule,
  removeService,
  setupOverview,
  updateException,
  updatePractitioner,
  updateSchedule,
  updateService,
  type SetupResult,
} from "../setup.server.ts";
import { today } from "../../../app/plugin-api/index.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.schedule.manage");
  const db = context.runtime.db;
  const [overview, branches, services] = await Promise.all([setupOverview(db, today(await staffTimeZone(db, actor))), hospitalBranches(db), activeServices(db)]);
  return { title: pageTitle(context.language, "hospital-appointments:staff.setupTitle"), ...overview, branches, activeServices: services };
}

const uuid = z.string().uuid("hospital-appointments:errors.invalid");
const idSchema = <I extends string, F extends string>(intent: I, field: F) => z.object({ intent: z.literal(intent), [field]: uuid } as { intent: z.ZodLiteral<I> } & Record<F, typeof uuid>);
const updateServiceSchema = serviceSchema.omit({ intent: true, branchId: true }).extend({ intent: z.literal("updateService"), serviceId: uuid });
const updatePractitionerSchema = practitionerSchema.omit({ intent: true }).extend({ intent: z.literal("updatePractitioner"), practitionerId: uuid });

/** Which card of the page an intent belongs to (its message is shown there). */
const sections = {
  service: "service",
  updateService: "service",
  removeService: "service",
  activateService: "service",
  practitioner: "practitioner",
  updatePractitioner: "practitioner",
  removePractitioner: "practitioner",
  activatePractitioner: "practitioner",
  schedule: "schedule",
  updateSchedule: "schedule",
  removeSchedule: "schedule",
  exception: "exception",
  updateException: "exception",
  removeException: "exception",
} as const;
type Intent = keyof typeof sections;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };
function parse<S extends z.ZodTypeAny>(form: FormData, schema: S): Parsed<z.infer<S>> {
  const submission = parseWithZod(form, { schema });
  if (submission.status === "success") return { ok: true, value: submission.value };
  const errors = Object.values(submission.error ?? {}).flat().filter(Boolean) as string[];
  return { ok: false, errors: errors.length ? errors : ["hospital-appointments:errors.invalid"] };
}

/** The schedule and exception forms are refined schemas: the edit forms reuse them with their own id. */
function withIntent(form: FormData, intent: string) {
  const copy = new FormData();
  for (const [k, v] of form.entries()) if (k !== "intent") copy.append(k, v);
  copy.set("intent", intent);
  return copy;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "hospital-appointments.schedule.manage");
  const todayHere = today(await staffTimeZone(context.runtime.db, actor));
  const form = await request.formData();
  const rawIntent = String(form.get("intent"));
  if (!(rawIntent in sections)) return data({ section: null, intent: rawIntent, errors: ["hospital-appointments:errors.invalid"], outcome: null, kept: 0 }, { status: 400 });
  const intent = rawIntent as Intent;
  const section = sections[intent];
  const db = context.runtime.db;
  const run = async (): Promise<Parsed<SetupResult | { ok: true; outcome: "created" }>> => {
    const wrap = async <T,>(p: Parsed<T>, go: (v: T) => Promise<SetupResult | { ok: boolean; error?: string }>) => {
      if (!p.ok) return p;
      const r = await go(p.value);
      return { ok: true as const, value: (r.ok ? ("outcome" in r ? r : { ok: true, outcome: "created" }) : r) as SetupResult | { ok: true; outcome: "created" } };
    };
    switch (intent) {
      case "service":
        return wrap(parse(form, serviceSchema), (v) => createService(db, actor, v));
      case "practitioner":
        return wrap(parse(form, practitionerSchema), (v) => createPractitioner(db, actor, v));
      case "schedule":
        return wrap(parse(form, scheduleSchema), (v) => createSchedule(db, actor, v));
      case "exception":
        return wrap(parse(form, exceptionSchema), (v) => createException(db, actor, v));
      case "updateService":
        return wrap(parse(form, updateServiceSchema), (v) => updateService(db, actor, v));
      case "removeService":
        return wrap(parse(form, idSchema("removeService", "serviceId")), (v) => removeService(db, actor, v.serviceId));
      case "activateService":
        return wrap(parse(form, idSchema("activateService", "serviceId")), (v) => activateService(db, actor, v.serviceId));
      case "updatePractitioner":
        return wrap(parse(form, updatePractitionerSchema), (v) => updatePractitioner(db, actor, v));
      case "removePractitioner":
        return wrap(parse(form, idSchema("removePractitioner", "practitionerId")), (v) => removePractitioner(db, actor, v.practitionerId));
      case "activatePractitioner":
        return wrap(parse(form, idSchema("activatePractitioner", "practitionerId")), (v) => activatePractitioner(db, actor, v.practitionerId));
      case "updateSchedule": {
        const id = parse(form, idSchema("updateSchedule", "scheduleId"));
        if (!id.ok) return id;
        return wrap(parse(withIntent(form, "schedule"), scheduleSchema), (v) => updateSchedule(db, actor, { ...v, scheduleId: id.value.scheduleId }, todayHere));
      }
      case "removeSchedule":
        return wrap(parse(form, idSchema("removeSchedule", "scheduleId")), (v) => removeSchedule(db, actor, v.scheduleId, todayHere));
      case "updateException": {
        const id = parse(form, idSchema("updateException", "exceptionId"));
        if (!id.ok) return id;
        return wrap(parse(withIntent(form, "exception"), exceptionSchema), (v) => updateException(db, actor, { ...v, exceptionId: id.value.exceptionId }));
      }
      case "removeException":
        return wrap(parse(form, idSchema("removeException", "exceptionId")), (v) => removeException(db, actor, v.exceptionId));
    }
  };
  const parsed = await run();
  if (!parsed.ok) return data({ section, intent, errors: parsed.errors, outcome: null, kept: 0 }, { status: 400 });
  const result = parsed.value;
  if (!result.ok) return data({ section, intent, errors: [`hospital-appointments:errors.${result.error === "notFound" ? "setupNotFound" : result.error}`], outcome: null, kept: 0 }, { status: result.error === "notFound" ? 404 : 400 });
  return { section, intent, errors: [] as string[], outcome: result.outcome, kept: "kept" in result ? (result.kept ?? 0) : 0 };
}

export default function Setup() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation("hospital-appointments");
  const lang = i18n.language === "en" ? "en" : "id";
  const feedback = (section: string) => {
    if (actionData?.section !== section) return null;
    if (actionData.errors.length)
      return (
        <p className="alert error" role="alert">
          {actionData.errors.map((e) => translateError(t, e)).join(" ")}
        </p>
      );
    const outcome = actionData.outcome;
    const message =
      outcome === "deactivated"
        ? t(`staff.outcome.deactivated.${section}`, { count: actionData.kept })
        : outcome === "updated" && actionData.kept > 0
          ? t("staff.outcome.updatedKept", { count: actionData.kept })
          : outcome === "deleted" || outcome === "activated"
            ? t(`staff.outcome.${outcome}`)
            : t("staff.saved");
    return (
      <p className="alert success" role="status">
        {message}
      </p>
    );
  };
  const weekdays = [1, 2, 3, 4, 5, 6, 7];
  const practitionerOptions = d.practitioners.map((p) => ({ value: p.id, label: p.active ? p.name : `${p.name} (${t("staff.inactive")})` }));
  const serviceOptions = d.services.map((s) => ({ value: s.id, label: `${s.name} · ${s.branchName}${s.active ? "" : ` (${t("staff.inactive")})`}` }));
  const scheduleFields = (prefix: string, s?: (typeof d.schedules)[number]) => (
    <>
      <Select id={`${prefix}-doctor`} name="practitionerId" label={t("staff.columns.doctor")} options={s ? practitionerOptions : d.practitioners.filter((p) => p.active).map((p) => ({ value: p.id, label: p.name }))} defaultValue={s?.practitionerId} />
      <Select id={`${prefix}-service`} name="serviceId" label={t("staff.columns.service")} options={s ? serviceOptions : d.activeServices.map((x) => ({ value: x.id, label: `${x.name} · ${x.branchName}` }))} defaultValue={s?.serviceId} />
      <Select id={`${prefix}-weekday`} name="weekday" label={t("staff.fields.weekday")} options={weekdays.map((w) => ({ value: String(w), label: t(`weekdays.${w}`) }))} defaultValue={s ? String(s.weekday) : undefined} />
      <Input id={`${prefix}-start`} name="startTime" label={t("staff.fields.startTime")} type="time" defaultValue={s?.startTime ?? "08:00"} />
      <Input id={`${prefix}-end`} name="endTime" label={t("staff.fields.endTime")} type="time" defaultValue={s?.endTime ?? "12:00"} />
      <Input id={`${prefix}-bstart`} name="breakStart" label={t("staff.fields.breakStart")} type="time" defaultValue={s?.breakStart ?? undefined} />
      <Input id={`${prefix}-bend`} name="breakEnd" label={t("staff.fields.breakEnd")} type="time" defaultValue={s?.breakEnd ?? undefined} />
      <Input id={`${prefix}-slot`} name="slotMinutes" label={t("staff.fields.slotMinutes")} type="number" defaultValue={String(s?.slotMinutes ?? 15)} />
      <Input id={`${prefix}-cap`} name="capacity" label={t("staff.fields.capacity")} type="number" defaultValue={String(s?.capacity ?? 1)} />
    </>
  );
  const exceptionFields = (prefix: string, e?: (typeof d.exceptions)[number]) => (
    <>
      <Select id={`${prefix}-kind`} name="kind" label={t("staff.fields.kind")} options={(["leave", "holiday"] as const).map((k) => ({ value: k, label: t(`staff.kinds.${k}`) }))} defaultValue={e?.kind} />
      <Select id={`${prefix}-doctor`} name="practitionerId" label={t("staff.columns.doctor")} options={[{ value: "", label: t("staff.fields.none") }, ...practitionerOptions]} defaultValue={e?.practitionerId ?? ""} />
      <Select id={`${prefix}-branch`} name="branchId" label={t("staff.branch")} options={[{ value: "", label: t("staff.fields.none") }, ...d.branches.map((b) => ({ value: b.id, label: b.name }))]} defaultValue={e?.branchId ?? ""} />
      <Input id={`${prefix}-from`} name="startDate" label={t("staff.fields.startDate")} type="date" defaultValue={e?.startDate} />
      <Input id={`${prefix}-until`} name="endDate" label={t("staff.fields.endDate")} type="date" defaultValue={e?.endDate} />
      <Input id={`${prefix}-reason`} name="reason" label={t("staff.fields.reason")} defaultValue={e?.reason ?? undefined} />
    </>
  );
  return (
    <>
      <PageHeader title={t("staff.setupTitle")} />
      <section className="card stack" aria-labelledby="sched-title">
        <h2 id="sched-title">{t("staff.schedules")}</h2>
        <p className="muted small">{t("staff.hints.schedule")}</p>
        {feedback("schedule")}
        <table className="data">
          <thead>
            <tr>
              <th>{t("staff.columns.doctor")}</th>
              <th>{t("staff.columns.service")}</th>
              <th>{t("staff.fields.weekday")}</th>
              <th>{t("staff.columns.time")}</th>
              <th>{t("staff.fields.slotMinutes")}</th>
              <th>{t("staff.fields.capacity")}</th>
              <th>{t("staff.columns.manage")}</th>
            </tr>
          </thead>
          <tbody>
            {d.schedules.map((s) => (
              <tr key={s.id}>
                <td data-label={t("staff.columns.doctor")}>{s.practitionerName}</td>
                <td data-label={t("staff.columns.service")}>{s.serviceName}</td>
                <td data-label={t("staff.fields.weekday")}>{t(`weekdays.${s.weekday}`)}</td>
                <td data-label={t("staff.columns.time")}>
                  {formatLocalTime(s.startTime, lang)}–{formatLocalTime(s.endTime, lang)}
                  {s.breakStart && s.breakEnd ? ` (${formatLocalTime(s.breakStart, lang)}–${formatLocalTime(s.breakEnd, lang)})` : ""}
                </td>
                <td data-label={t("staff.fields.slotMinutes")}>{s.slotMinutes}</td>
                <td data-label={t("staff.fields.capacity")}>{s.capacity}</td>
                <td className="field" data-label={t("staff.columns.manage")}>
                  <details className="inline-form">
                    <summary>{t("staff.edit")}</summary>
                    <Form method="post" className="stack">
                      <input type="hidden" name="intent" value="updateSchedule" />
                      <input type="hidden" name="scheduleId" value={s.id} />
                      {scheduleFields(`sch-${s.id}`, s)}
                      <button type="submit" className="primary">
                        {t("staff.save")}
                      </button>
                    </Form>
                  </details>
                  <Form method="post">
                    <input type="hidden" name="intent" value="removeSchedule" />
                    <input type="hidden" name="scheduleId" value={s.id} />
                    <button type="submit" className="link-button danger-text">
                      {t("staff.endSchedule")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <details className="inline-form">
          <summary>{t("staff.addSchedule")}</summary>
          <Form method="post" className="grid two">
            <input type="hidden" name="intent" value="schedule" />
            {scheduleFields("sch-new")}
            <div className="field">
              <button type="submit" className="primary">
                {t("staff.add")}
              </button>
            </div>
          </Form>
        </details>
      </section>

      <section className="card stack" aria-labelledby="exc-title">
        <h2 id="exc-title">{t("staff.exceptions")}</h2>
        {feedback("exception")}
        <ul className="plain-list">
          {d.exceptions.map((e) => (
            <li key={e.id}>
              {t(`staff.kinds.${e.kind}`)}: {e.practitionerName ?? e.branchName} · {e.startDate} – {e.endDate} {e.reason ? `· ${e.reason}` : ""}
              <details className="inline-form">
                <summary>{t("staff.edit")}</summary>
                <Form method="post" className="stack">
                  <input type="hidden" name="intent" value="updateException" />
                  <input type="hidden" name="exceptionId" value={e.id} />
                  {exceptionFields(`exc-${e.id}`, e)}
                  <div className="actions">
                    <button type="submit" className="primary">
                      {t("staff.save")}
                    </button>
                  </div>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="removeException" />
                  <input type="hidden" name="exceptionId" value={e.id} />
                  <button type="submit" className="link-button danger-text">
                    {t("staff.delete")}
                  </button>
                </Form>
              </details>
            </li>
          ))}
        </ul>
        <details className="inline-form">
          <summary>{t("staff.addException")}</summary>
          <Form method="post" className="grid two">
            <input type="hidden" name="intent" value="exception" />
            {exceptionFields("exc-new")}
            <div className="field">
              <button type="submit" className="primary">
                {t("staff.add")}
              </button>
            </div>
          </Form>
        </details>
      </section>

      <div className="grid two">
        <section className="card stack" aria-labelledby="svc-title">
          <h2 id="svc-title">{t("staff.services")}</h2>
          <p className="muted small">{t("staff.hints.service")}</p>
          {feedback("service")}
          <ul className="plain-list">
            {d.services.map((s) => (
              <li key={s.id}>
                <span className="mono">{s.code}</span> {s.name} · <span className="muted">{s.branchName}</span>{" "}
                {s.active ? null : <span className="badge off">{t("staff.inactive")}</span>}
                <details className="inline-form">
                  <summary>{t("staff.edit")}</summary>
                  <Form method="post" className="stack">
                    <input type="hidden" name="intent" value="updateService" />
                    <input type="hidden" name="serviceId" value={s.id} />
                    <Input id={`svc-${s.id}-code`} name="code" label={t("staff.fields.code")} defaultValue={s.code} />
                    <Input id={`svc-${s.id}-name`} name="name" label={t("staff.fields.name")} defaultValue={s.name} />
                    <Input id={`svc-${s.id}-nameEn`} name="nameEn" label={t("staff.fields.nameEn")} defaultValue={s.nameEn ?? undefined} />
                    <button type="submit" className="primary">
                      {t("staff.save")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="serviceId" value={s.id} />
                    {s.active ? (
                      <button type="submit" name="intent" value="removeService" className="link-button danger-text">
                        {t("staff.delete")}
                      </button>
                    ) : (
                      <button type="submit" name="intent" value="activateService" className="link-button">
                        {t("staff.activate")}
                      </button>
                    )}
                  </Form>
                </details>
              </li>
            ))}
          </ul>
          <details className="inline-form">
            <summary>{t("staff.addService")}</summary>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="service" />
              <Select id="svc-new-branch" name="branchId" label={t("staff.branch")} options={d.branches.map((b) => ({ value: b.id, label: b.name }))} />
              <Input id="svc-new-code" name="code" label={t("staff.fields.code")} />
              <Input id="svc-new-name" name="name" label={t("staff.fields.name")} />
              <Input id="svc-new-nameEn" name="nameEn" label={t("staff.fields.nameEn")} />
              <button type="submit" className="primary">
                {t("staff.add")}
              </button>
            </Form>
          </details>
        </section>
        <section className="card stack" aria-labelledby="doc-title">
          <h2 id="doc-title">{t("staff.practitioners")}</h2>
          <p className="muted small">{t("staff.hints.practitioner")}</p>
          {feedback("practitioner")}
          <ul className="plain-list">
            {d.practitioners.map((p) => (
              <li key={p.id}>
                {p.name} {p.specialty ? <span className="muted">· {p.specialty}</span> : null} {p.email ? <span className="muted small">· {p.email}</span> : null}{" "}
                {p.active ? null : <span className="badge off">{t("staff.inactive")}</span>}
                <details className="inline-form">
                  <summary>{t("staff.edit")}</summary>
                  <Form method="post" className="stack">
                    <input type="hidden" name="intent" value="updatePractitioner" />
                    <input type="hidden" name="practitionerId" value={p.id} />
                    <Input id={`doc-${p.id}-name`} name="name" label={t("staff.fields.name")} defaultValue={p.name} />
                    <Input id={`doc-${p.id}-specialty`} name="specialty" label={t("staff.fields.specialty")} defaultValue={p.specialty ?? undefined} />
                    <Input id={`doc-${p.id}-nik`} name="nik" label={t("staff.fields.nik")} defaultValue={p.nik ?? undefined} />
                    <Input id={`doc-${p.id}-ihs`} name="ihsNumber" label={t("staff.fields.ihsNumber")} defaultValue={p.ihsNumber ?? undefined} />
                    <Select
                      id={`doc-${p.id}-user`}
                      name="userId"
                      label={t("staff.fields.user")}
                      options={[
                        { value: "", label: t("staff.fields.none") },
                        ...(p.userId ? [{ value: p.userId, label: `${p.userName} · ${p.email}` }] : []),
                        ...d.doctorUsers.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` })),
                      ]}
                      defaultValue={p.userId ?? ""}
                    />
                    <button type="submit" className="primary">
                      {t("staff.save")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="practitionerId" value={p.id} />
                    {p.active ? (
                      <button type="submit" name="intent" value="removePractitioner" className="link-button danger-text">
                        {t("staff.delete")}
                      </button>
                    ) : (
                      <button type="submit" name="intent" value="activatePractitioner" className="link-button">
                        {t("staff.activate")}
                      </button>
                    )}
                  </Form>
                </details>
              </li>
            ))}
          </ul>
          <details className="inline-form">
            <summary>{t("staff.addPractitioner")}</summary>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="practitioner" />
              <Input id="doc-new-name" name="name" label={t("staff.fields.name")} />
              <Input id="doc-new-specialty" name="specialty" label={t("staff.fields.specialty")} />
              <Input id="doc-new-nik" name="nik" label={t("staff.fields.nik")} />
              <Input id="doc-new-ihs" name="ihsNumber" label={t("staff.fields.ihsNumber")} />
              <Select id="doc-new-user" name="userId" label={t("staff.fields.user")} options={[{ value: "", label: t("staff.fields.none") }, ...d.doctorUsers.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }))]} />
              <button type="submit" className="primary">
                {t("staff.add")}
              </button>
            </Form>
          </details>
        </section>
      </div>
    </>
  );
}

function Input({ id, name, label, type = "text", defaultValue }: { id: string; name: string; label: string; type?: string; defaultValue?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} defaultValue={defaultValue} />
    </div>
  );
}

function Select({ id, name, label, options, defaultValue }: { id: string; name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
