// The customer's and the partner's ticket pages look alike; the route modules differ only in their
// guards and scoping. `ns` is "portal" or "partner": both namespaces carry the same tickets.* keys.
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { defaultTimeZone, formatDateTime, type TimeZone } from "../core/i18n/format.ts";
import type { Language } from "../core/i18n/languages.ts";
import { satisfactionRatings, ticketCategories } from "../core/tickets/ticket-vocabulary.ts";
import { FormAlert, SelectField, TextField, type FormConstraint } from "./form-field.tsx";
import { PageHeader } from "./portal-shell.tsx";
import { RatingChoices, StatusBadge, TextAreaField, TicketThread, type ThreadItem } from "./tickets.tsx";
import { useServerForm } from "./server-form.ts";

type Ns = "portal" | "partner";

// The requester's forms are validated by the route's action only, with or without JavaScript: the
// zod schemas (and the phone metadata some use) stay on the server, and the page gets the forms'
// HTML constraints as loader data (FormConstraint).
export function RequesterNewTicket({
  ns,
  base,
  lastResult,
  constraint,
}: {
  ns: Ns;
  base: string;
  lastResult?: SubmissionResult<string[]> | null;
  constraint: FormConstraint;
}) {
  const { t } = useTranslation(ns);
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
    defaultValue: { category: "complaint" },
  });
  // conform's fields object answers for any name, so the portal decides, not the object
  const referenceField = ns === "partner" ? (fields as typeof fields & { reference: typeof fields.subject }).reference : null;
  return (
    <>
      <p>
        <Link to={base}>← {t("tickets.title")}</Link>
      </p>
      <PageHeader title={t("tickets.new.title")} />
      <p className="muted">{t("tickets.new.intro")}</p>
      <FormAlert errors={form.errors} />
      <section className="card narrow-card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="open" />
          <SelectField
            field={fields.category}
            label={t("tickets.new.fields.category")}
            options={ticketCategories.map((c) => ({ value: c, label: t(`tickets.categories.${c}`) }))}
          />
          <TextField field={fields.subject} label={t("tickets.new.fields.subject")} hint={t("tickets.new.fields.subjectHint")} />
          <TextAreaField field={fields.body} label={t("tickets.new.fields.body")} hint={t("tickets.new.fields.bodyHint")} rows={6} />
          {referenceField ? (
            <TextField field={referenceField} label={t("tickets.new.fields.reference")} hint={t("tickets.new.fields.referenceHint")} />
          ) : null}
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? t("tickets.new.submitting") : t("tickets.new.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}

export interface OwnTicketDetail {
  id: string;
  number: string;
  subject: string;
  status: string;
  category: string;
  createdAt: string | Date;
  resolvedAt: string | Date | null;
  closedAt: string | Date | null;
  satisfaction: string | null;
  satisfactionComment: string | null;
  branchName: string | null;
  timeZone: TimeZone | null;
  canReply: boolean;
  canRate: boolean;
}

type ActionReply = { intent: "reply" | "rate"; result: SubmissionResult<string[]> } | undefined;

export function RequesterTicketDetail({
  ns,
  base,
  ticket,
  messages,
  language,
  actionData,
  created,
  constraints,
}: {
  ns: Ns;
  base: string;
  ticket: OwnTicketDetail;
  messages: ThreadItem[];
  language: Language;
  actionData: ActionReply;
  created: boolean;
  constraints: { reply: FormConstraint; rate: FormConstraint };
}) {
  const { t } = useTranslation(ns);
  const navigation = useNavigation();
  const timeZone = ticket.timeZone ?? defaultTimeZone;
  const [replyForm, replyFields] = useServerForm({
    id: "reply",
    lastResult: navigation.state === "idle" && actionData?.intent === "reply" ? actionData.result : undefined,
    constraint: constraints.reply,
  });
  const [rateForm, rateFields] = useServerForm({
    id: "rate",
    lastResult: actionData?.intent === "rate" ? actionData.result : undefined,
    constraint: constraints.rate,
  });
  const ratingLabels = Object.fromEntries(satisfactionRatings.map((r) => [r, t(`tickets.ratings.${r}`)])) as Record<(typeof satisfactionRatings)[number], string>;
  const own: ThreadItem["authorKind"][] = ns === "partner" ? ["partner"] : ["customer"];
  return (
    <>
      <p>
        <Link to={base}>← {t("tickets.title")}</Link>
      </p>
      <PageHeader title={ticket.subject}>
        <StatusBadge status={ticket.status} t={t} />
      </PageHeader>
      {created ? (
        <div className="alert success" role="status">
          {t("tickets.detail.created", { number: ticket.number })}
        </div>
      ) : null}
      <section className="card">
        <dl className="details">
          <div>
            <dt>{t("tickets.detail.number")}</dt>
            <dd>{ticket.number}</dd>
          </div>
          <div>
            <dt>{t("tickets.columns.category")}</dt>
            <dd>{t(`tickets.categories.${ticket.category}`)}</dd>
          </div>
          <div>
            <dt>{t("tickets.detail.opened")}</dt>
            <dd>{formatDateTime(ticket.createdAt, language, timeZone)}</dd>
          </div>
          {ticket.branchName ? (
            <div>
              <dt>{t("tickets.detail.branch")}</dt>
              <dd>{ticket.branchName}</dd>
            </div>
          ) : null}
          {ticket.resolvedAt ? (
            <div>
              <dt>{t("tickets.detail.resolved")}</dt>
              <dd>{formatDateTime(ticket.resolvedAt, language, timeZone)}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      {ticket.canRate ? (
        <section className="card" aria-labelledby="rate-title">
          <h2 id="rate-title">{t("tickets.rate.title")}</h2>
          <p className="muted">{t(ticket.status === "resolved" ? "tickets.rate.introResolved" : "tickets.rate.introClosed")}</p>
          <FormAlert errors={rateForm.errors} />
          <Form method="post" className="stack" {...getFormProps(rateForm)}>
            <input type="hidden" name="intent" value="rate" />
            <RatingChoices legend={t("tickets.rate.question")} labels={ratingLabels} errors={rateFields.rating.errors} errorId={rateFields.rating.errorId} />
            <TextAreaField field={rateFields.comment} label={t("tickets.rate.comment")} rows={3} />
            <button type="submit" className="primary">
              {t("tickets.rate.submit")}
            </button>
          </Form>
        </section>
      ) : ticket.satisfaction ? (
        <p className="alert success" role="status">
          {t("tickets.rate.given", { rating: t(`tickets.ratings.${ticket.satisfaction}`) })}
        </p>
      ) : null}

      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{t("tickets.thread.title")}</h2>
        <TicketThread messages={messages} t={t} language={language} timeZone={timeZone} ownKinds={own} />
      </section>

      {ticket.canReply ? (
        <section className="card" aria-labelledby="reply-title">
          <h2 id="reply-title">{t("tickets.reply.title")}</h2>
          {ticket.status === "resolved" ? <p className="muted">{t("tickets.reply.reopenHint")}</p> : null}
          <FormAlert errors={replyForm.errors} />
          <Form method="post" className="stack" {...getFormProps(replyForm)}>
            <input type="hidden" name="intent" value="reply" />
            <TextAreaField field={replyFields.body} label={t("tickets.reply.label")} rows={4} />
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("tickets.reply.submit")}
            </button>
          </Form>
        </section>
      ) : (
        <p className="muted">{t("tickets.reply.closed")}</p>
      )}
    </>
  );
}
