import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { hasPermission, notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { defaultTimeZone, formatDateTime } from "../../core/i18n/format.ts";
import { chosenContact, contactChoices } from "../../core/tickets/contact-choice.server.ts";
import {
  assignSchema,
  classifySchema,
  linkContactSchema,
  noteSchema,
  replySchema,
  statusSchema,
  ticketCategories,
  ticketPriorities,
  ticketTransitions,
} from "../../core/tickets/ticket-forms.ts";
import {
  assignableStaff,
  assignTicket,
  changeTicketStatus,
  classifyTicket,
  getTicketForStaff,
  linkTicketContact,
  replyAsStaff,
  type TicketError,
} from "../../core/tickets/tickets.server.ts";
import { ContactPicker } from "../../ui/contact-picker.tsx";
import { FormAlert, SelectField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { PriorityBadge, StatusBadge, TextAreaField, TicketThread } from "../../ui/tickets.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.ticket.number) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.ticket.read");
  const found = await getTicketForStaff(context.runtime.db, actor, params.ticketId ?? "");
  if (!found) notFound();
  const canManage = hasPermission(context.auth, "core.ticket.manage");
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const linking = canManage && !found.ticket.contactId;
  const picked = linking ? await chosenContact(context.runtime.db, url.searchParams.get("contactId")) : null;
  return {
    ...found,
    canManage,
    canPlanTasks: hasPermission(context.auth, "core.task.manage"),
    staff: canManage ? await assignableStaff(context.runtime.db) : [],
    picker: linking ? { q, picked, results: picked ? null : await contactChoices(context.runtime.db, actor, q) } : null,
    language: context.language,
  };
}

type Intent = "reply" | "note" | "status" | "assign" | "classify" | "link-contact";
type Submission = { reply: (options?: { formErrors?: string[]; resetForm?: boolean }) => SubmissionResult<string[]> };

function invalid(intent: Intent, submission: Submission) {
  return data({ intent, result: submission.reply(), saved: false }, { status: 400 });
}

function outcome(intent: Intent, submission: Submission, result: { ok: true } | { ok: false; error: TicketError }) {
  if (!result.ok && result.error === "notFound") notFound();
  if (!result.ok) return data({ intent, result: submission.reply({ formErrors: [`staff:tickets.errors.${result.error}`] }), saved: false }, { status: 409 });
  return data({ intent, result: submission.reply({ resetForm: true }), saved: true }, { status: 200 });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor, user } = requireStaff(context, request, "core.ticket.manage");
  const ticketId = params.ticketId ?? "";
  const formData = await request.formData();
  const runtime = context.runtime;
  switch (formData.get("intent")) {
    case "reply":
    case "note": {
      const intent = formData.get("intent") === "note" ? "note" : "reply";
      const submission = parseWithZod(formData, { schema: intent === "note" ? noteSchema : replySchema });
      if (submission.status !== "success") return invalid(intent, submission);
      const body = submission.value.body;
      return outcome(intent, submission, await replyAsStaff(runtime, actor, ticketId, { body, internal: intent === "note", staffName: user.name }));
    }
    case "status": {
      const submission = parseWithZod(formData, { schema: statusSchema });
      if (submission.status !== "success") return invalid("status", submission);
      return outcome("status", submission, await changeTicketStatus(runtime, actor, ticketId, submission.value.status));
    }
    case "assign": {
      const submission = parseWithZod(formData, { schema: assignSchema });
      if (submission.status !== "success") return invalid("assign", submission);
      return outcome("assign", submission, await assignTicket(runtime, actor, ticketId, submission.value.assigneeId));
    }
    case "classify": {
      const submission = parseWithZod(formData, { schema: classifySchema });
      if (submission.status !== "success") return invalid("classify", submission);
      const { category, priority } = submission.value;
      return outcome("classify", submission, await classifyTicket(runtime.db, actor, ticketId, { category, priority }));
    }
    case "link-contact": {
      const submission = parseWithZod(formData, { schema: linkContactSchema });
      if (submission.status !== "success") return invalid("link-contact", submission);
      return outcome("link-contact", submission, await linkTicketContact(runtime.db, actor, ticketId, submission.value.contactId));
    }
    default:
      return data({ intent: null, result: null, saved: false }, { status: 400 });
  }
}

function duration(from: string | Date, to: string | Date) {
  const minutes = Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

export default function StaffTicket() {
  const { ticket, messages, canManage, canPlanTasks, staff, picker, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const tz = ticket.timeZone ?? defaultTimeZone;
  const resultFor = (intent: Intent) =>
    navigation.state === "idle" && actionData?.intent === intent ? (actionData.result as SubmissionResult<string[]>) : undefined;
  // a form's id includes what it edits, so its defaults follow the ticket after a change
  const formOptions = <S extends z.ZodTypeAny>(intent: Intent, schema: S, version = "") => ({
    id: `${intent}${version}`,
    lastResult: resultFor(intent),
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }: { formData: FormData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit" as const,
  });
  const [replyForm, replyFields] = useForm(formOptions("reply", replySchema));
  const [noteForm, noteFields] = useForm(formOptions("note", noteSchema));
  const [statusForm, statusFields] = useForm({ ...formOptions("status", statusSchema, ticket.status), defaultValue: { status: ticketTransitions[ticket.status][0] } });
  const [assignForm, assignFields] = useForm({ ...formOptions("assign", assignSchema, ticket.assigneeId ?? "none"), defaultValue: { assigneeId: ticket.assigneeId ?? "" } });
  const [classifyForm, classifyFields] = useForm({
    ...formOptions("classify", classifySchema, `${ticket.category}-${ticket.priority}`),
    defaultValue: { category: ticket.category, priority: ticket.priority },
  });
  const firstResponse = ticket.firstResponseAt ? duration(ticket.createdAt, ticket.firstResponseAt) : null;
  const nextStatuses = ticketTransitions[ticket.status];
  const taskLink = `/staff/tasks/new?${new URLSearchParams({
    relatedType: "ticket",
    relatedId: ticket.id,
    title: `${ticket.number}: ${ticket.subject}`.slice(0, 200),
    ...(ticket.contactId ? { contactId: ticket.contactId } : {}),
  }).toString()}`;
  const saved = navigation.state === "idle" && actionData?.saved === true;
  return (
    <>
      <p>
        <Link to="/staff/tickets">← {t("tickets.title")}</Link>
      </p>
      <PageHeader title={ticket.subject}>
        <StatusBadge status={ticket.status} t={t} />
        <PriorityBadge priority={ticket.priority} t={t} />
        {ticket.overdue ? <span className="badge danger">{t("tickets.overdue")}</span> : null}
        {ticket.escalatedAt ? <span className="badge warn">{t("tickets.escalated")}</span> : null}
      </PageHeader>
      {params.get("created") === "1" ? (
        <div className="alert success" role="status">
          {t("tickets.detail.created", { number: ticket.number })}
        </div>
      ) : null}
      {saved && actionData?.intent ? (
        <div className="alert success" role="status">
          {t(`tickets.detail.saved.${actionData.intent}`)}
        </div>
      ) : null}
      <div className="grid two">
        <section className="card" aria-labelledby="facts">
          <h2 id="facts">{ticket.number}</h2>
          <dl className="details">
            <div>
              <dt>{t("tickets.columns.requester")}</dt>
              <dd>
                {ticket.partnerName ? (
                  <>
                    <Link to={`/staff/partners/${ticket.partnerOrgId}`}>{ticket.partnerName}</Link>
                    {ticket.openedByName ? <span className="muted"> · {ticket.openedByName}</span> : null}
                  </>
                ) : null}
                {ticket.partnerName && ticket.contactName ? <br /> : null}
                {ticket.contactName ? <Link to={`/staff/contacts/${ticket.contactId}`}>{ticket.contactName}</Link> : null}
                {!ticket.partnerName && !ticket.contactName ? "—" : null}
              </dd>
            </div>
            <div>
              <dt>{t("tickets.fields.channel")}</dt>
              <dd>{t(`tickets.channels.${ticket.channel}`)}</dd>
            </div>
            <div>
              <dt>{t("tickets.fields.category")}</dt>
              <dd>{t(`tickets.categories.${ticket.category}`)}</dd>
            </div>
            <div>
              <dt>{t("tickets.fields.branch")}</dt>
              <dd>{ticket.branchName ?? "—"}</dd>
            </div>
            <div>
              <dt>{t("tickets.fields.assignee")}</dt>
              <dd>{ticket.assigneeName ?? t("tickets.filters.unassigned")}</dd>
            </div>
            <div>
              <dt>{t("tickets.detail.opened")}</dt>
              <dd>
                {formatDateTime(ticket.createdAt, language, tz)}
                {ticket.openedByName && !ticket.partnerName ? <span className="muted"> · {ticket.openedByName}</span> : null}
              </dd>
            </div>
            <div>
              <dt>{t("tickets.columns.due")}</dt>
              <dd>{formatDateTime(ticket.slaDueAt, language, tz)}</dd>
            </div>
            <div>
              <dt>{t("tickets.detail.firstResponse")}</dt>
              <dd>{firstResponse ? t("tickets.detail.duration", firstResponse) : t("tickets.detail.noResponseYet")}</dd>
            </div>
            {ticket.escalatedAt ? (
              <div>
                <dt>{t("tickets.detail.escalatedTo")}</dt>
                <dd>
                  {ticket.escalatedToName ?? "—"} · {formatDateTime(ticket.escalatedAt, language, tz)}
                </dd>
              </div>
            ) : null}
            {ticket.resolvedAt ? (
              <div>
                <dt>{t("tickets.detail.resolved")}</dt>
                <dd>{formatDateTime(ticket.resolvedAt, language, tz)}</dd>
              </div>
            ) : null}
            {ticket.closedAt ? (
              <div>
                <dt>{t("tickets.detail.closed")}</dt>
                <dd>{formatDateTime(ticket.closedAt, language, tz)}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t("tickets.detail.satisfaction")}</dt>
              <dd>
                {ticket.satisfaction ? t(`tickets.ratings.${ticket.satisfaction}`) : "—"}
                {ticket.satisfactionComment ? <span className="muted"> · “{ticket.satisfactionComment}”</span> : null}
              </dd>
            </div>
          </dl>
          {canPlanTasks ? (
            <p>
              <Link to={taskLink}>{t("tickets.detail.createTask")}</Link>
            </p>
          ) : null}
        </section>

        {canManage ? (
          <section className="card stack-sections" aria-labelledby="manage">
            <h2 id="manage">{t("tickets.detail.manage")}</h2>
            {nextStatuses.length ? (
              <Form method="post" className="manage-form" {...getFormProps(statusForm)}>
                <input type="hidden" name="intent" value="status" />
                <SelectField field={statusFields.status} label={t("tickets.detail.moveTo")} options={nextStatuses.map((s) => ({ value: s, label: t(`tickets.statuses.${s}`) }))} />
                <button type="submit" className="secondary">
                  {t("tickets.detail.changeStatus")}
                </button>
                <FormAlert errors={statusForm.errors} />
              </Form>
            ) : (
              <p className="muted">{t("tickets.detail.closedFinal")}</p>
            )}
            <Form method="post" className="manage-form" {...getFormProps(assignForm)}>
              <input type="hidden" name="intent" value="assign" />
              <SelectField
                field={assignFields.assigneeId}
                label={t("tickets.fields.assignee")}
                options={[{ value: "", label: t("tickets.filters.unassigned") }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
              />
              <button type="submit" className="secondary">
                {t("tickets.detail.assign")}
              </button>
              <FormAlert errors={assignForm.errors} />
            </Form>
            <Form method="post" className="manage-form" {...getFormProps(classifyForm)}>
              <input type="hidden" name="intent" value="classify" />
              <SelectField field={classifyFields.category} label={t("tickets.fields.category")} options={ticketCategories.map((c) => ({ value: c, label: t(`tickets.categories.${c}`) }))} />
              <SelectField field={classifyFields.priority} label={t("tickets.fields.priority")} options={ticketPriorities.map((p) => ({ value: p, label: t(`tickets.priorities.${p}`) }))} />
              <button type="submit" className="secondary">
                {t("tickets.detail.classify")}
              </button>
              <FormAlert errors={classifyForm.errors} />
            </Form>
            {picker ? (
              <div>
                <h3>{t("tickets.detail.linkContact")}</h3>
                <p className="muted">{t("tickets.detail.linkContactHint")}</p>
                <ContactPicker selected={picker.picked} results={picker.results} q={picker.q} />
                {picker.picked ? (
                  <Form method="post" action={`/staff/tickets/${ticket.id}`}>
                    <input type="hidden" name="intent" value="link-contact" />
                    <input type="hidden" name="contactId" value={picker.picked.id} />
                    <button type="submit" className="secondary">
                      {t("tickets.detail.linkContactSubmit")}
                    </button>
                  </Form>
                ) : null}
              </div>
            ) : null}
          </section>
        ) : null}
      </div>

      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{t("tickets.thread.title")}</h2>
        <TicketThread messages={messages} t={t} language={language} timeZone={tz} ownKinds={["staff", "system"]} />
      </section>

      {canManage ? (
        <div className="grid two">
          <section className="card" aria-labelledby="reply-title">
            <h2 id="reply-title">{t("tickets.reply.title")}</h2>
            <p className="muted">{t("tickets.reply.hint")}</p>
            <FormAlert errors={replyForm.errors} />
            <Form method="post" className="stack" {...getFormProps(replyForm)}>
              <input type="hidden" name="intent" value="reply" />
              <TextAreaField field={replyFields.body} label={t("tickets.reply.label")} rows={4} />
              <button type="submit" className="primary" disabled={ticket.status === "closed"}>
                {t("tickets.reply.submit")}
              </button>
            </Form>
          </section>
          <section className="card internal-card" aria-labelledby="note-title">
            <h2 id="note-title">{t("tickets.note.title")}</h2>
            <p className="muted">{t("tickets.note.hint")}</p>
            <FormAlert errors={noteForm.errors} />
            <Form method="post" className="stack" {...getFormProps(noteForm)}>
              <input type="hidden" name="intent" value="note" />
              <TextAreaField field={noteFields.body} label={t("tickets.note.label")} rows={4} />
              <button type="submit" className="secondary">
                {t("tickets.note.submit")}
              </button>
            </Form>
          </section>
        </div>
      ) : null}
    </>
  );
}
