import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { invitePartnerUser } from "../../core/auth/accounts.server.ts";
import { hasPermission, notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { invitePartnerUserSchema, partnerStatusSchema, partnerTypes, updatePartnerSchema } from "../../core/partners/partner-forms.ts";
import {
  getPartnerOrganisation,
  listOrganisationUsers,
  partnerTicketSummary,
  setPartnerOrganisationActive,
  updatePartnerOrganisation,
} from "../../core/partners/partners.server.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.partner.name) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.partner.read");
  const partner = await getPartnerOrganisation(context.runtime.db, actor, params.partnerId ?? "");
  if (!partner) notFound();
  const url = new URL(request.url);
  const notice = url.searchParams.get("notice");
  return {
    partner,
    users: await listOrganisationUsers(context.runtime.db, partner.id),
    tickets: await partnerTicketSummary(context.runtime.db, actor, partner.id),
    canManage: hasPermission(context.auth, "core.partner.manage"),
    canReadTickets: hasPermission(context.auth, "core.ticket.read"),
    editing: url.searchParams.get("edit") === "1",
    notice: (["updated", "deactivated", "reactivated"] as const).find((n) => n === notice) ?? null,
    language: context.language,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.partner.manage");
  const partner = await getPartnerOrganisation(context.runtime.db, actor, params.partnerId ?? "");
  if (!partner) notFound();
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "update") {
    const submission = parseWithZod(formData, { schema: updatePartnerSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), invited: null }, { status: 400 });
    const { intent: _, ...input } = submission.value;
    const result = await updatePartnerOrganisation(context.runtime.db, actor, partner.id, input);
    if (!result.ok) notFound();
    return redirect(`/staff/partners/${partner.id}?notice=updated`);
  }
  if (intent === "deactivate" || intent === "reactivate") {
    const submission = parseWithZod(formData, { schema: partnerStatusSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), invited: null }, { status: 400 });
    const result = await setPartnerOrganisationActive(context.runtime.db, actor, partner.id, intent === "reactivate");
    if (!result.ok) notFound();
    return redirect(`/staff/partners/${partner.id}?notice=${intent}d`);
  }
  const submission = parseWithZod(formData, { schema: invitePartnerUserSchema });
  if (submission.status !== "success") return data({ intent: "invite", result: submission.reply(), invited: null }, { status: 400 });
  const result = await invitePartnerUser(context.runtime, actor, { partnerOrgId: partner.id, partnerName: partner.name, ...submission.value });
  if (!result.ok) {
    return data({ intent: "invite", result: submission.reply({ fieldErrors: { email: [`staff:partners.errors.${result.error}`] } }), invited: null }, { status: 400 });
  }
  return { intent: "invite", result: submission.reply({ resetForm: true }), invited: submission.value.email };
}

export default function PartnerDetail() {
  const { partner, users, tickets, canManage, canReadTickets, editing, notice, language } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult: actionData?.intent === "invite" ? actionData.result : undefined,
    constraint: getZodConstraint(invitePartnerUserSchema),
    defaultValue: { language },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: invitePartnerUserSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <>
      <p>
        <Link to="/staff/partners">← {t("partners.title")}</Link>
      </p>
      <PageHeader title={partner.name}>
        {partner.active ? <span className="badge ok">{t("partners.status.active")}</span> : <span className="badge off">{t("partners.status.inactive")}</span>}
        {canManage && !editing ? (
          <Link className="button secondary" to="?edit=1">
            {t("partners.edit.open")}
          </Link>
        ) : null}
      </PageHeader>
      {notice ? (
        <div className="alert success" role="status">
          {t(`partners.notices.${notice}`)}
        </div>
      ) : null}
      {!partner.active ? (
        <div className="alert warn" role="status">
          {t("partners.status.inactiveHint")}
        </div>
      ) : null}
      {canManage && (editing || actionData?.intent === "update") ? (
        <EditPartner partner={partner} lastResult={actionData?.intent === "update" ? actionData.result : undefined} />
      ) : null}
      <div className="grid two">
        <section className="card">
          <h2>{t("partners.detail.profile")}</h2>
          <dl className="details">
            <div><dt>{t("partners.fields.code")}</dt><dd>{partner.code}</dd></div>
            <div><dt>{t("partners.fields.type")}</dt><dd>{t(`partners.types.${partner.type}`)}</dd></div>
            <div><dt>{t("partners.fields.email")}</dt><dd>{partner.email ?? "—"}</dd></div>
            <div><dt>{t("partners.fields.phone")}</dt><dd>{formatPhone(partner.phone) || "—"}</dd></div>
            <div><dt>{t("partners.fields.address")}</dt><dd>{partner.address ?? "—"}</dd></div>
            <div><dt>{t("partners.fields.city")}</dt><dd>{partner.city ?? "—"}</dd></div>
            <div>
              <dt>{t("partners.tickets.label")}</dt>
              <dd>
                {tickets.total === 0 ? (
                  t("partners.tickets.none")
                ) : canReadTickets ? (
                  <Link to={`/staff/tickets?partner=${partner.id}`}>{t("partners.tickets.summary", { count: tickets.total, open: tickets.open })}</Link>
                ) : (
                  t("partners.tickets.summary", { count: tickets.total, open: tickets.open })
                )}
              </dd>
            </div>
          </dl>
        </section>
        <section className="card">
          <h2>{t("partners.detail.users")}</h2>
          {users.length === 0 ? (
            <p className="muted">{t("partners.detail.noUsers")}</p>
          ) : (
            <ul>
              {users.map((u) => (
                <li key={u.id}>
                  {u.name} · {u.email}{" "}
                  {u.pending ? <span className="badge warn">{t("partners.detail.pending")}</span> : <span className="badge ok">{t("partners.detail.active")}</span>}{" "}
                  <span className="muted">{formatDate(u.createdAt, language)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {canManage ? (
        <section className="card" aria-labelledby="invite">
          <h2 id="invite">{t("partners.invite.title")}</h2>
          {actionData?.invited ? (
            <div className="alert success" role="status">
              {t("partners.invite.sent", { email: actionData.invited })}
            </div>
          ) : null}
          <FormAlert errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="invite" />
            <div className="grid two">
              <TextField field={fields.name} label={t("partners.invite.name")} />
              <TextField field={fields.email} label={t("partners.invite.email")} type="email" />
              <SelectField
                field={fields.language}
                label={t("partners.invite.language")}
                options={[
                  { value: "id", label: "Bahasa Indonesia" },
                  { value: "en", label: "English" },
                ]}
              />
            </div>
            <button type="submit" className="primary">
              {t("partners.invite.submit")}
            </button>
          </Form>
        </section>
      ) : null}
      {canManage ? (
        <section className="card" aria-labelledby="partner-status">
          <h2 id="partner-status">{t("partners.status.title")}</h2>
          <p className="muted">{partner.active ? t("partners.status.deactivateHint") : t("partners.status.reactivateHint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value={partner.active ? "deactivate" : "reactivate"} />
            <button type="submit" className={partner.active ? "danger" : "primary"}>
              {partner.active ? t("partners.status.deactivate") : t("partners.status.reactivate")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

type Partner = ReturnType<typeof useLoaderData<typeof loader>>["partner"];

function EditPartner({ partner, lastResult }: { partner: Partner; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(updatePartnerSchema),
    defaultValue: {
      name: partner.name,
      type: partner.type,
      email: partner.email ?? "",
      phone: formatPhone(partner.phone),
      address: partner.address ?? "",
      city: partner.city ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: updatePartnerSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <section className="card" aria-labelledby="edit-partner">
      <h2 id="edit-partner">{t("partners.edit.title")}</h2>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="update" />
        <div className="grid two">
          <TextField field={fields.name} label={t("partners.fields.name")} />
          <SelectField field={fields.type} label={t("partners.fields.type")} options={partnerTypes.map((v) => ({ value: v, label: t(`partners.types.${v}`) }))} />
          <TextField field={fields.email} label={t("partners.fields.email")} type="email" />
          <TextField field={fields.phone} label={t("partners.fields.phone")} type="tel" />
          <TextField field={fields.address} label={t("partners.fields.address")} />
          <TextField field={fields.city} label={t("partners.fields.city")} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t("partners.edit.submit")}
          </button>
          <Link to=".">{t("actions.cancel", { ns: "common" })}</Link>
        </div>
      </Form>
    </section>
  );
}
