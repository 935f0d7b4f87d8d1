import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { chosenContact, contactChoices } from "../../core/tickets/contact-choice.server.ts";
import { staffOpenTicketSchema, staffTicketChannels, ticketCategories, ticketPriorities } from "../../core/tickets/ticket-forms.ts";
import { assignableStaff, branchOptions, openTicketAsStaff } from "../../core/tickets/tickets.server.ts";
import { ContactPicker } from "../../ui/contact-picker.tsx";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { TextAreaField } from "../../ui/tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.ticket.manage");
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const contact = await chosenContact(context.runtime.db, url.searchParams.get("contactId"));
  return {
    title: pageTitle(context.language, "staff:tickets.new.title"),
    contact,
    q,
    results: contact ? null : await contactChoices(context.runtime.db, actor, q),
    staff: await assignableStaff(context.runtime.db),
    branches: await branchOptions(context.runtime.db),
    me: actor.userId,
    myBranch: actor.branchId,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.ticket.manage");
  const submission = parseWithZod(await request.formData(), { schema: staffOpenTicketSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const result = await openTicketAsStaff(context.runtime, actor, submission.value);
  if (!result.ok) {
    const field = result.error === "assigneeInvalid" ? "assigneeId" : result.error === "branchInvalid" ? "branchId" : "";
    return data(submission.reply(field ? { fieldErrors: { [field]: [`staff:tickets.errors.${result.error}`] } } : { formErrors: [`staff:tickets.errors.${result.error}`] }), { status: 400 });
  }
  return redirect(`/staff/tickets/${result.id}?created=1`);
}

export default function StaffNewTicket() {
  const { contact, q, results, staff, branches, me, myBranch } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(staffOpenTicketSchema),
    defaultValue: { channel: "walk_in", category: "complaint", priority: "normal", assigneeId: me, branchId: myBranch ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: staffOpenTicketSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <p>
        <Link to="/staff/tickets">← {t("tickets.title")}</Link>
      </p>
      <PageHeader title={t("tickets.new.title")} />
      <section className="card" aria-labelledby="who">
        <h2 id="who">{t("tickets.new.who")}</h2>
        <ContactPicker selected={contact} results={results} q={q} />
      </section>
      {contact ? (
        <section className="card" aria-labelledby="what">
          <h2 id="what">{t("tickets.new.what")}</h2>
          <FormAlert errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="open" />
            <input type="hidden" name="contactId" value={contact.id} />
            <div className="grid two">
              <SelectField field={fields.channel} label={t("tickets.fields.channel")} options={staffTicketChannels.map((c) => ({ value: c, label: t(`tickets.channels.${c}`) }))} />
              <SelectField field={fields.category} label={t("tickets.fields.category")} options={ticketCategories.map((c) => ({ value: c, label: t(`tickets.categories.${c}`) }))} />
              <SelectField field={fields.priority} label={t("tickets.fields.priority")} options={ticketPriorities.map((p) => ({ value: p, label: t(`tickets.priorities.${p}`) }))} />
              <SelectField
                field={fields.branchId}
                label={t("tickets.fields.branch")}
                options={[{ value: "", label: t("tickets.fields.branchDefault") }, ...branches.map((b) => ({ value: b.id, label: `${b.code} · ${b.name}` }))]}
              />
              <SelectField
                field={fields.assigneeId}
                label={t("tickets.fields.assignee")}
                options={[{ value: "", label: t("tickets.filters.unassigned") }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
              />
            </div>
            <TextField field={fields.subject} label={t("tickets.fields.subject")} />
            <TextAreaField field={fields.body} label={t("tickets.fields.body")} hint={t("tickets.fields.bodyHint")} rows={5} />
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("tickets.new.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
