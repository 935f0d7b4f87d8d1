import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { instantToLocalInput, parseLocalDateTime } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { delegateTaskSchema, taskPriorities, taskStatusSchema, updateTaskSchema } from "../../core/tasks/task-forms.ts";
import { delegateTask, getTask, setTaskStatus, updateTask, type TaskError } from "../../core/tasks/tasks.server.ts";
import { assignableStaff } from "../../core/tickets/tickets.server.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { RelatedLink } from "../../ui/tasks.tsx";
import { PriorityBadge, TextAreaField } from "../../ui/tickets.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.task.title) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const task = await getTask(context.runtime.db, actor, params.taskId ?? "");
  if (!task) notFound();
  return {
    task,
    staff: await assignableStaff(context.runtime.db),
    timeZone: await staffTimeZone(context.runtime.db, actor),
    me: actor.userId,
    language: context.language,
  };
}

type Intent = "update" | "delegate" | "status";

function outcome(intent: Intent, submission: { reply: (o?: { formErrors?: string[] }) => SubmissionResult<string[]> }, result: { ok: true } | { ok: false; error: TaskError }) {
  if (!result.ok && result.error === "notFound") notFound();
  if (!result.ok) return data({ intent, result: submission.reply({ formErrors: [`staff:tasks.errors.${result.error}`] }) }, { status: 400 });
  return data({ intent, result: submission.reply() }, { status: 200 });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const taskId = params.taskId ?? "";
  const formData = await request.formData();
  const db = context.runtime.db;
  switch (formData.get("intent")) {
    case "update": {
      const submission = parseWithZod(formData, { schema: updateTaskSchema });
      if (submission.status !== "success") return data({ intent: "update" as Intent, result: submission.reply() }, { status: 400 });
      const { dueAt: local, ...rest } = submission.value;
      const dueAt = local ? parseLocalDateTime(local, await staffTimeZone(db, actor)) : null;
      if (local && !dueAt) return data({ intent: "update" as Intent, result: submission.reply({ fieldErrors: { dueAt: ["validation.date"] } }) }, { status: 400 });
      return outcome("update", submission, await updateTask(db, actor, taskId, { ...rest, dueAt }));
    }
    case "delegate": {
      const submission = parseWithZod(formData, { schema: delegateTaskSchema });
      if (submission.status !== "success") return data({ intent: "delegate" as Intent, result: submission.reply() }, { status: 400 });
      return outcome("delegate", submission, await delegateTask(context.runtime, actor, taskId, submission.value));
    }
    default: {
      const submission = parseWithZod(formData, { schema: taskStatusSchema });
      if (submission.status !== "success") return data({ intent: "status" as Intent, result: submission.reply() }, { status: 400 });
      return outcome("status", submission, await setTaskStatus(db, actor, taskId, submission.value.status));
    }
  }
}

export default function StaffTask() {
  const { task, staff, timeZone, me, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const resultFor = (intent: Intent) => (navigation.state === "idle" && actionData?.intent === intent ? actionData.result : undefined);
  const [editForm, editFields] = useForm({
    id: "update",
    lastResult: resultFor("update"),
    constraint: getZodConstraint(updateTaskSchema),
    defaultValue: {
      title: task.title,
      description: task.description ?? "",
      dueAt: task.dueAt ? instantToLocalInput(task.dueAt, timeZone) : "",
      priority: task.priority,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: updateTaskSchema }),
    shouldValidate: "onBlur",
  });
  const [delegateForm, delegateFields] = useForm({
    id: "delegate",
    lastResult: resultFor("delegate"),
    constraint: getZodConstraint(delegateTaskSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: delegateTaskSchema }),
    shouldValidate: "onSubmit",
  });
  const active = task.status === "open" || task.status === "in_progress";
  const saved = navigation.state === "idle" && actionData?.result?.status === "success" ? actionData.intent : null;
  return (
    <>
      <p>
        <Link to="/staff/tasks">← {t("tasks.title")}</Link>
      </p>
      <PageHeader title={task.title}>
        <span className={active ? "badge info" : "badge off"}>{t(`tasks.statuses.${task.status}`)}</span>
        <PriorityBadge priority={task.priority} t={t} />
        {task.overdue ? <span className="badge danger">{t("tasks.overdue")}</span> : null}
      </PageHeader>
      {params.get("created") === "1" ? (
        <div className="alert success" role="status">
          {t("tasks.saved.created")}
        </div>
      ) : null}
      {saved ? (
        <div className="alert success" role="status">
          {t(`tasks.saved.${saved}`)}
        </div>
      ) : null}
      <div className="grid two">
        <section className="card">
          <dl className="details">
            <div>
              <dt>{t("tasks.columns.due")}</dt>
              <dd>{task.dueAt ? formatDateTime(task.dueAt, language, timeZone) : t("tasks.noDue")}</dd>
            </div>
            <div>
              <dt>{t("tasks.columns.assignee")}</dt>
              <dd>{task.assigneeName}</dd>
            </div>
            <div>
              <dt>{t("tasks.columns.from")}</dt>
              <dd>{task.createdByName}</dd>
            </div>
            <div>
              <dt>{t("tasks.columns.about")}</dt>
              <dd>
                <RelatedLink task={task} t={t} />
              </dd>
            </div>
            <div>
              <dt>{t("tasks.detail.reminder")}</dt>
              <dd>{task.remindedAt ? t("tasks.detail.remindedAt", { when: formatDateTime(task.remindedAt, language, timeZone) }) : task.dueAt ? t("tasks.detail.reminderPlanned") : "—"}</dd>
            </div>
            {task.completedAt ? (
              <div>
                <dt>{t("tasks.detail.completed")}</dt>
                <dd>{formatDateTime(task.completedAt, language, timeZone)}</dd>
              </div>
            ) : null}
          </dl>
          {task.description ? <p className="message-body">{task.description}</p> : null}
          <div className="actions task-actions">
            {(active ? (["done", ...(task.status === "open" ? ["in_progress"] : []), "cancelled"] as const) : (["open"] as const)).map((status) => (
              <Form method="post" key={status}>
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="status" value={status} />
                <button type="submit" className={status === "done" ? "primary" : "secondary"}>
                  {t(`tasks.actions.${status}`)}
                </button>
              </Form>
            ))}
          </div>
        </section>
        {active ? (
          <section className="card" aria-labelledby="delegate-title">
            <h2 id="delegate-title">{t("tasks.delegate.title")}</h2>
            <p className="muted">{t("tasks.delegate.hint")}</p>
            <FormAlert errors={delegateForm.errors} />
            <Form method="post" className="stack" {...getFormProps(delegateForm)}>
              <input type="hidden" name="intent" value="delegate" />
              <SelectField
                field={delegateFields.assigneeId}
                label={t("tasks.fields.assignee")}
                options={[{ value: "", label: t("tasks.delegate.choose") }, ...staff.filter((s) => s.id !== task.assigneeId).map((s) => ({ value: s.id, label: s.id === me ? t("tasks.fields.me", { name: s.name }) : s.name }))]}
              />
              <TextAreaField field={delegateFields.note} label={t("tasks.delegate.note")} rows={2} />
              <button type="submit" className="secondary">
                {t("tasks.delegate.submit")}
              </button>
            </Form>
          </section>
        ) : null}
      </div>
      {active ? (
        <section className="card" aria-labelledby="edit-title">
          <h2 id="edit-title">{t("tasks.edit.title")}</h2>
          <FormAlert errors={editForm.errors} />
          <Form method="post" className="stack" {...getFormProps(editForm)}>
            <input type="hidden" name="intent" value="update" />
            <TextField field={editFields.title} label={t("tasks.fields.title")} />
            <TextAreaField field={editFields.description} label={t("tasks.fields.description")} rows={3} />
            <div className="grid two">
              <TextField
                field={editFields.dueAt}
                label={t("tasks.fields.dueAt")}
                hint={t("tasks.fields.dueHint", { zone: t(`tasks.zones.${timeZone}`) })}
                inputProps={{ type: "datetime-local" }}
              />
              <SelectField field={editFields.priority} label={t("tasks.fields.priority")} options={taskPriorities.map((p) => ({ value: p, label: t(`tickets.priorities.${p}`) }))} />
            </div>
            <button type="submit" className="primary">
              {t("common:actions.save")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
