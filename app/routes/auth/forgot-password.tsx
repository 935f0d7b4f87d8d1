import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requestPasswordReset } from "../../core/auth/accounts.server.ts";
import { emailOnlySchema, portalKinds, type PortalName } from "../../core/auth/auth-forms.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

function portalParam(request: Request): PortalName {
  const p = new URL(request.url).searchParams.get("portal");
  return p === "staff" || p === "partner" ? p : "portal";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { title: pageTitle(context.language, "auth:forgot.title"), portal: portalParam(request), constraint: getZodConstraint(emailOnlySchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const portal = portalParam(request);
  const submission = parseWithZod(await request.formData(), { schema: emailOnlySchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = await requestPasswordReset(context.runtime, { kind: portalKinds[portal], email: submission.value.email, language: context.language, ip: context.clientIp });
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: ["security:errors.tooManyRequests"] }), sent: false }, { status: 429 });
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPassword() {
  const { portal, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const [form, fields] = useServerForm({
    lastResult: actionData?.result,
    constraint,
  });
  return (
    <AuthCard title={t("forgot.title")} subtitle={t("forgot.subtitle")}>
      {actionData?.sent ? (
        <div className="alert success" role="status">
          {t("forgot.sent")}
        </div>
      ) : null}
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" />
        <button type="submit" className="primary wide">
          {t("forgot.submit")}
        </button>
      </Form>
      <p>
        <Link to={`/${portal}/login`}>{t("verify.backToSignIn")}</Link>
      </p>
    </AuthCard>
  );
}
