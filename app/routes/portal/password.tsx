import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { changePassword } from "../../core/auth/accounts.server.ts";
import { changePasswordSchema } from "../../core/auth/auth-forms.ts";
import { requireCustomer, requirePartner } from "../../core/auth/guards.server.ts";
import { startSession } from "../../core/auth/session.server.ts";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth"] };
export const meta = titleMeta;

/** Shared by the customer and partner portals: each guard admits only its own users. */
function requireSelf(context: LoaderFunctionArgs["context"], request: Request) {
  return new URL(request.url).pathname.startsWith("/partner") ? requirePartner(context, request) : requireCustomer(context, request);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSelf(context, request);
  return { title: pageTitle(context.language, "auth:password.title"), constraint: getZodConstraint(changePasswordSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireSelf(context, request);
  const submission = parseWithZod(await request.formData(), { schema: changePasswordSchema });
  const hide = { hideFields: ["current", "password", "confirmPassword"] };
  if (submission.status !== "success") return data(submission.reply(hide), { status: 400 });
  const result = await changePassword(context.runtime, actor, { current: submission.value.current, next: submission.value.password, ip: context.clientIp });
  if (!result.ok) return data(submission.reply({ fieldErrors: { current: ["auth:password.wrongPassword"] }, ...hide }), { status: 400 });
  // every session ended with the change; this device gets a fresh one
  const cookie = await startSession(context.runtime, actor.userId, request);
  const portal = actor.kind === "partner" ? "/partner" : "/portal";
  return redirect(`${portal}?notice=passwordChanged`, { headers: { "Set-Cookie": cookie } });
}

export default function ChangePassword() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
  });
  return (
    <>
      <PageHeader title={t("password.title")} />
      <section className="card narrow-card">
        <p className="muted">{t("password.note")}</p>
        <FormAlert errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <TextField field={fields.current} label={t("fields.currentPassword")} type="password" autoComplete="current-password" />
          <TextField field={fields.password} label={t("fields.newPassword")} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
          <TextField field={fields.confirmPassword} label={t("fields.confirmPassword")} type="password" autoComplete="new-password" />
          <button type="submit" className="primary">
            {t("password.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
