import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, notFound, requirePartner } from "../../core/auth/guards.server.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { organisationContactSchema } from "../../core/partners/partner-forms.ts";
import { isPartnerAdmin } from "../../core/partners/partner-users.server.ts";
import { getOwnOrganisation, updateOwnOrganisationContact } from "../../core/partners/partners.server.ts";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { Notice } from "../../ui/notice.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  const [organisation, admin] = await Promise.all([getOwnOrganisation(context.runtime.db, actor), isPartnerAdmin(context.runtime.db, actor)]);
  if (!organisation) notFound();
  return {
    title: pageTitle(context.language, "partner:nav.organisation"),
    organisation: { ...organisation, phone: formatPhone(organisation.phone) },
    admin,
    constraint: getZodConstraint(organisationContactSchema),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requirePartner(context, request);
  // only the organisation's administrators change its contact details
  if (!(await isPartnerAdmin(context.runtime.db, actor))) forbidden();
  const submission = parseWithZod(await request.formData(), {
    schema: organisationContactSchema,
  });
  if (submission.status !== "success") return data({ result: submission.reply(), saved: false }, { status: 400 });
  await updateOwnOrganisationContact(context.runtime.db, actor, submission.value);
  return { result: submission.reply(), saved: true };
}

export default function Organisation() {
  const { organisation, admin, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("partner");
  const [form, fields] = useServerForm({
    lastResult: actionData?.result,
    constraint,
    defaultValue: {
      email: organisation.email ?? "",
      phone: organisation.phone,
      address: organisation.address ?? "",
      city: organisation.city ?? "",
    },
  });
  return (
    <>
      <Notice />
      <PageHeader title={organisation.name} />
      <section className="card">
        <dl className="details">
          <div>
            <dt>{t("organisation.code")}</dt>
            <dd>{organisation.code}</dd>
          </div>
          <div>
            <dt>{t("organisation.type")}</dt>
            <dd>{t(`organisation.types.${organisation.type}`)}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="contact-details">
        <h2 id="contact-details">{t("organisation.contactDetails")}</h2>
        {actionData?.saved ? (
          <div className="alert success" role="status">
            {t("common:actions.saved")}
          </div>
        ) : null}
        {admin ? null : (
          <>
            <dl className="details">
              <div>
                <dt>{t("organisation.email")}</dt>
                <dd>{organisation.email ?? "–"}</dd>
              </div>
              <div>
                <dt>{t("organisation.phone")}</dt>
                <dd>{organisation.phone || "–"}</dd>
              </div>
              <div>
                <dt>{t("organisation.address")}</dt>
                <dd>{organisation.address ?? "–"}</dd>
              </div>
              <div>
                <dt>{t("organisation.city")}</dt>
                <dd>{organisation.city ?? "–"}</dd>
              </div>
            </dl>
            <p className="muted">{t("organisation.readOnly")}</p>
          </>
        )}
        {admin ? <FormAlert errors={form.errors} /> : null}
        {admin ? (
          <Form method="post" className="stack" {...getFormProps(form)}>
            <TextField field={fields.email} label={t("organisation.email")} type="email" />
            <TextField field={fields.phone} label={t("organisation.phone")} type="tel" />
            <TextField field={fields.address} label={t("organisation.address")} />
            <TextField field={fields.city} label={t("organisation.city")} />
            <button type="submit" className="primary">
              {t("common:actions.save")}
            </button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
