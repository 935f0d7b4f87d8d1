import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isValidResetToken, resetPassword } from "../../core/auth/accounts.server.ts";
import { newPasswordSchema } from "../../core/auth/auth-forms.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth"] };
export const meta = titleMeta;

const portalOfKind = { staff: "staff", customer: "portal", partner: "partner" } as const;

// Opening the link only looks at the token; it is used up when the form is sent, so mail
// scanners that follow links cannot burn it.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { title: pageTitle(context.language, "auth:reset.title"), token, valid: token ? await isValidResetToken(context.runtime, token) : false, constraint: getZodConstraint(newPasswordSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: newPasswordSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password", "confirmPassword"] }), { status: 400 });
  const user = await resetPassword(context.runtime, { token: submission.value.token, password: submission.value.password, ip: context.clientIp });
  if (!user) return data(submission.reply({ formErrors: ["auth:reset.invalid"], hideFields: ["password", "confirmPassword"] }), { status: 400 });
  return redirect(`/${portalOfKind[user.kind]}/login?notice=passwordReset`);
}

export default function ResetPassword() {
  const { token, valid, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
  });
  if (!valid) {
    return (
      <AuthCard title={t("reset.title")}>
        <div className="alert error" role="alert">
          {t("reset.invalid")}
        </div>
        <Link to="/forgot-password">{t("reset.requestNew")}</Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("reset.title")}>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="token" value={token} />
        <TextField field={fields.password} label={t("fields.newPassword")} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <TextField field={fields.confirmPassword} label={t("fields.confirmPassword")} type="password" autoComplete="new-password" />
        <button type="submit" className="primary wide">
          {t("reset.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
