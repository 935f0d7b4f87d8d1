import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { createPartnerSchema, partnerTypes } from "../../core/partners/partner-forms.ts";
import { createPartnerOrganisation, listPartnerOrganisations } from "../../core/partners/partners.server.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.partner.read");
  return {
    title: pageTitle(context.language, "staff:partners.title"),
    partners: await listPartnerOrganisations(context.runtime.db, actor),
    canManage: hasPermission(context.auth, "core.partner.manage"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.partner.manage");
  const submission = parseWithZod(await request.formData(), { schema: createPartnerSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const result = await createPartnerOrganisation(context.runtime.db, actor, submission.value);
  if (!result.ok) return data(submission.reply({ fieldErrors: { code: ["staff:partners.errors.codeTaken"] } }), { status: 400 });
  return redirect(`/staff/partners/${result.id}`);
}

export default function Partners() {
  const { partners, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(createPartnerSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createPartnerSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <>
      <PageHeader title={t("partners.title")} />
      {partners.length === 0 ? (
        <p className="card muted">{t("partners.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("partners.columns.name")}</th>
              <th>{t("partners.columns.type")}</th>
              <th>{t("partners.columns.city")}</th>
              <th>{t("partners.columns.phone")}</th>
              <th>{t("partners.columns.users")}</th>
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <tr key={p.id}>
                <td data-label={t("partners.columns.name")}>
                  <Link to={p.id}>{p.name}</Link> <span className="muted">{p.code}</span>
                  {p.active ? null : <> <span className="badge off">{t("partners.status.inactive")}</span></>}
                </td>
                <td data-label={t("partners.columns.type")}>{t(`partners.types.${p.type}`)}</td>
                <td data-label={t("partners.columns.city")}>{p.city ?? "—"}</td>
                <td data-label={t("partners.columns.phone")}>{formatPhone(p.phone) || "—"}</td>
                <td data-label={t("partners.columns.users")}>{p.userCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage ? (
        <section className="card" aria-labelledby="new-partner">
          <h2 id="new-partner">{t("partners.create.title")}</h2>
          <FormAlert errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="create" />
            <div className="grid two">
              <TextField field={fields.name} label={t("partners.fields.name")} />
              <TextField field={fields.code} label={t("partners.fields.code")} hint={t("partners.fields.codeHint")} />
              <SelectField field={fields.type} label={t("partners.fields.type")} options={partnerTypes.map((v) => ({ value: v, label: t(`partners.types.${v}`) }))} />
              <TextField field={fields.city} label={t("partners.fields.city")} />
              <TextField field={fields.email} label={t("partners.fields.email")} type="email" />
              <TextField field={fields.phone} label={t("partners.fields.phone")} type="tel" />
            </div>
            <button type="submit" className="primary">
              {t("partners.create.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
