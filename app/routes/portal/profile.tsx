import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { customerProfileSchema } from "../../core/contacts/contact-forms.ts";
import { getOwnProfile, updateOwnProfile } from "../../core/contacts/contacts.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const profile = await getOwnProfile(context.runtime.db, actor);
  if (!profile) throw new Response("Not Found", { status: 404 });
  return { title: pageTitle(context.language, "portal:profile.title"), profile: { ...profile, phone: formatPhone(profile.phone) }, language: context.language, constraint: getZodConstraint(customerProfileSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireCustomer(context, request);
  const submission = parseWithZod(await request.formData(), { schema: customerProfileSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), saved: false }, { status: 400 });
  await updateOwnProfile(context.runtime.db, actor, submission.value);
  return { result: submission.reply(), saved: true };
}

export default function Profile() {
  const { profile, language, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("portal");
  const [form, fields] = useServerForm({
    lastResult: navigation.state === "idle" ? actionData?.result : undefined,
    constraint,
    defaultValue: {
      fullName: profile.fullName,
      phone: profile.phone,
      birthDate: profile.birthDate ?? "",
      address: profile.address ?? "",
      city: profile.city ?? "",
      preferredChannel: profile.preferredChannel,
    },
  });
  return (
    <>
      <PageHeader title={t("profile.title")} />
      <p className="muted">{t("profile.intro")}</p>
      {actionData?.saved ? (
        <div className="alert success" role="status">
          {t("profile.saved")}
        </div>
      ) : null}
      <FormAlert errors={form.errors} />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <TextField field={fields.fullName} label={t("profile.fields.fullName")} autoComplete="name" />
          <div className="field">
            <label htmlFor="profile-email">{t("profile.fields.email")}</label>
            <input id="profile-email" type="email" value={profile.email ?? ""} readOnly aria-describedby="profile-email-hint" />
            <p className="hint" id="profile-email-hint">
              {t("profile.emailHint")}
            </p>
          </div>
          <TextField field={fields.phone} label={t("profile.fields.phone")} type="tel" autoComplete="tel" hint={t("profile.phoneHint")} />
          <TextField field={fields.birthDate} label={t("profile.fields.birthDate")} type="date" autoComplete="bday" />
          <TextField field={fields.address} label={t("profile.fields.address")} autoComplete="street-address" />
          <TextField field={fields.city} label={t("profile.fields.city")} autoComplete="address-level2" />
          <SelectField
            field={fields.preferredChannel}
            label={t("profile.fields.preferredChannel")}
            options={(["whatsapp", "email", "sms", "none"] as const).map((c) => ({ value: c, label: t(`profile.channels.${c}`) }))}
          />
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("common:actions.save")}
          </button>
        </Form>
      </section>
      <p className="muted">
        <small>{t("profile.lastUpdated", { when: formatDateTime(profile.updatedAt, language) })}</small>
      </p>
    </>
  );
}
