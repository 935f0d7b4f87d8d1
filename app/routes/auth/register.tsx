import { getFormProps, getInputProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { registerCustomer, reserveRegistration } from "../../core/auth/accounts.server.ts";
import { registerSchema } from "../../core/auth/auth-forms.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { FieldErrors, FormAlert, TextField } from "../../ui/form-field.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth?.user.kind === "customer") throw redirect("/portal");
  return { title: pageTitle(context.language, "auth:register.title"), constraint: getZodConstraint(registerSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: registerSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password", "confirmPassword"] }), { status: 400 });
  }
  const { name, email, phone, password } = submission.value;
  // limited like the other account e-mails, counted whether or not the address has an account
  if (!(await reserveRegistration(context.runtime, { email, ip: context.clientIp }))) {
    return data(submission.reply({ formErrors: ["security:errors.tooManyRequests"], hideFields: ["password", "confirmPassword"] }), { status: 429 });
  }
  await registerCustomer(context.runtime, { name, email, phone, password, language: context.language, ip: context.clientIp });
  return redirect(`/portal/verify?sent=1&email=${encodeURIComponent(email)}`);
}

export default function Register() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
  });
  return (
    <AuthCard title={t("register.title")} subtitle={t("register.subtitle")}>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <TextField field={fields.name} label={t("fields.name")} autoComplete="name" />
        <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" />
        <TextField field={fields.phone} label={t("fields.phoneOptional")} type="tel" autoComplete="tel" hint={t("fields.phoneHint")} />
        <TextField field={fields.password} label={t("fields.newPassword")} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <TextField field={fields.confirmPassword} label={t("fields.confirmPassword")} type="password" autoComplete="new-password" />
        <div className="field">
          <label className="checkbox" htmlFor={fields.consent.id}>
            <input {...getInputProps(fields.consent, { type: "checkbox", ariaAttributes: true })} key={fields.consent.key} />
            <span>
              <Trans t={t} i18nKey="register.consent" />
            </span>
          </label>
          <FieldErrors id={fields.consent.errorId} errors={fields.consent.errors} />
        </div>
        <button type="submit" className="primary wide" disabled={navigation.state === "submitting"}>
          {t("register.submit")}
        </button>
      </Form>
      <p>
        <Link to="/portal/login">{t("register.haveAccount")}</Link>
      </p>
    </AuthCard>
  );
}
