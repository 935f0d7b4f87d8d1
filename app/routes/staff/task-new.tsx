import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { parseLocalDateTime } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { createTaskSchema, taskPriorities } from "../../core/tasks/task-forms.ts";
import { createTask } from "../../core/tasks/tasks.server.ts";
import { chosenContact, contactChoices } from "../../core/tickets/contact-choice.server.ts";
import { assignableStaff } from "../../core/tickets/tickets.server.ts";
import { ContactPicker } from "../../ui/contact-picker.tsx";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { RelatedLink } from "../../ui/tasks.tsx";
import { TextAreaField } from "../../ui/tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

const relatedPattern = /^[a-z][a-z0-9._-]{0,59}$/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const contact = await chosenContact(context.runtime.db, url.searchParams.get("contactId"));
  const relatedType = url.searchParams.get("relatedType") ?? "";
  const relatedId = (url.searchParams.get("relatedId") ?? "").slice(0, 100);
  const related = relatedPattern.test(relatedType) && relatedId ? { relatedType, relatedId } : null;
  return {
    title: pageTitle(context.language, "staff:tasks.new.title"),
    q,
    contact,
    results: contact ? null : await contactChoices(context.runtime.db, actor, q),
    related,
    taskTitle: (url.searchParams.get("title") ?? "").slice(0, 200),
    staff: await assignableStaff(context.runtime.db),
    me: actor.userId,
    timeZone: await staffTimeZone(context.runtime.db, actor),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const submission = parseWithZod(await request.formData(), { schema: createTaskSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const { dueAt: local, ...rest } = submission.value;
  const dueAt = local ? parseLocalDateTime(local, await staffTimeZone(context.runtime.db, actor)) : null;
  if (local && !dueAt) return data(submission.reply({ fieldErrors: { dueAt: ["validation.date"] } }), { status: 400 });
  const result = await createTask(context.runtime, actor, { ...rest, dueAt });
  if (!result.ok) {
    const field = result.error === "assigneeInvalid" ? "assigneeId" : "contactId";
    return data(submission.reply({ fieldErrors: { [field]: [`staff:tasks.errors.${result.error}`] } }), { status: 400 });
  }
  return redirect(`/staff/tasks/${result.id}?created=1`);
}

export default function StaffNewTask() {
  const { q, contact, results, related, taskTitle, staff, me, timeZone } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(createTaskSchema),
    defaultValue: { title: taskTitle, priority: "normal", assigneeId: me },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createTaskSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const keep: Record<string, string> = { ...(related ?? {}), ...(taskTitle ? { title: taskTitle } : {}) };
  return (
    <>
      <p>
        <Link to="/staff/tasks">← {t("tasks.title")}</Link>
      </p>
      <PageHeader title={t("tasks.new.title")} />
      <section className="card">
        <ContactPicker selected={contact} results={results} q={q} keep={keep} optional />
        {related ? (
          <p>
            {t("tasks.new.relatedTo")}{" "}
            <RelatedLink task={{ contactId: null, contactName: null, ...related }} t={t} />
          </p>
        ) : null}
      </section>
      <section className="card">
        <FormAlert errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="create" />
          {contact ? <input type="hidden" name="contactId" value={contact.id} /> : null}
          {related ? (
            <>
              <input type="hidden" name="relatedType" value={related.relatedType} />
              <input type="hidden" name="relatedId" value={related.relatedId} />
            </>
          ) : null}
          <TextField field={fields.title} label={t("tasks.fields.title")} />
          <TextAreaField field={fields.description} label={t("tasks.fields.description")} rows={3} />
          <div className="grid two">
            <TextField
              field={fields.dueAt}
              label={t("tasks.fields.dueAt")}
              hint={t("tasks.fields.dueHint", { zone: t(`tasks.zones.${timeZone}`) })}
              inputProps={{ type: "datetime-local" }}
            />
            <SelectField field={fields.priority} label={t("tasks.fields.priority")} options={taskPriorities.map((p) => ({ value: p, label: t(`tickets.priorities.${p}`) }))} />
            <SelectField field={fields.assigneeId} label={t("tasks.fields.assignee")} options={staff.map((s) => ({ value: s.id, label: s.id === me ? t("tasks.fields.me", { name: s.name }) : s.name }))} />
          </div>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("tasks.new.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
