import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { signIn } from "../../core/auth/accounts.server.ts";
import { levelAfterPassword } from "../../core/auth/mfa.server.ts";
import { portalKinds, portalOf, signInSchema } from "../../core/auth/auth-forms.ts";
import { safeRedirect } from "../../core/auth/guards.server.ts";
import { startSession } from "../../core/auth/session.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "auth"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const portal = portalOf(url.pathname);
  if (context.auth?.user.kind === portalKinds[portal]) throw redirect(`/${portal}`);
  const t = fixedT(context.language, "auth");
  return {
    portal,
    redirectTo: url.searchParams.get("redirectTo") ?? "",
    notice: url.searchParams.get("notice"),
    title: withAppName(t(`signIn.title.${portal}`)),
    constraint: getZodConstraint(signInSchema),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const portal = portalOf(new URL(request.url).pathname);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: signInSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const { email, password, redirectTo } = submission.value;
  const result = await signIn(context.runtime, { kind: portalKinds[portal], email, password, ip: context.clientIp });
  if (!result.ok) {
    const status = result.error === "rateLimited" ? 429 : 400;
    return data(submission.reply({ formErrors: [`auth:signIn.errors.${result.error}`], hideFields: ["password"] }), { status });
  }
  // a second factor (or its enrolment) may still be owed: the session starts at that level
  const level = await levelAfterPassword(context.runtime.db, context.runtime.registry, result.userId);
  const cookie = await startSession(context.runtime, result.userId, request, { level });
  // only back into the same portal: a customer is never sent on to a staff page
  const safe = safeRedirect(redirectTo, `/${portal}`);
  const target = safe.startsWith(`/${portal}`) ? safe : `/${portal}`;
  const next = level === "full" ? target : `/${portal}/login/${level === "enrolment" ? "enrol" : "second-factor"}?redirectTo=${encodeURIComponent(target)}`;
  return redirect(next, { headers: { "Set-Cookie": cookie } });
}

export default function SignIn() {
  const { portal, redirectTo, notice, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
  });
  const unverified = form.errors?.includes("auth:signIn.errors.unverified");
  return (
    <AuthCard title={t(`signIn.title.${portal}`)} subtitle={t(`signIn.subtitle.${portal}`)}>
      {notice ? (
        <div className="alert success" role="status">
          {t(`notices.${notice}`)}
        </div>
      ) : null}
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" />
        <TextField field={fields.password} label={t("fields.password")} type="password" autoComplete="current-password" />
        <button type="submit" className="primary wide" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t("signIn.submitting") : t("signIn.submit")}
        </button>
      </Form>
      {unverified ? (
        <Form method="post" action="/portal/verify" className="actions">
          <input type="hidden" name="email" value={String(fields.email.value ?? "")} />
          <button type="submit" className="link-button">
            {t("verify.resend")}
          </button>
        </Form>
      ) : null}
      <p className="actions">
        <Link to={`/forgot-password?portal=${portal}`}>{t("signIn.forgot")}</Link>
        {portal === "portal" ? <Link to="/portal/register">{t("signIn.register")}</Link> : null}
      </p>
    </AuthCard>
  );
}
