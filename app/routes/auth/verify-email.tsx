import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { resendVerification, verifyEmail } from "../../core/auth/accounts.server.ts";
import { emailOnlySchema } from "../../core/auth/auth-forms.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

/** Shows "check your inbox", or uses up the token from the e-mailed link. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  if (token) {
    const userId = await verifyEmail(context.runtime, token);
    if (userId) throw redirect("/portal/login?notice=verified");
    return { title: pageTitle(context.language, "auth:verify.invalid.title"), state: "invalid" as const, email: "" };
  }
  return { title: pageTitle(context.language, "auth:verify.sent.title"), state: "sent" as const, email: url.searchParams.get("email") ?? "" };
}

/** Sends a new link; the answer never says whether the address has an account. */
export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: emailOnlySchema });
  if (submission.status === "success") {
    const outcome = await resendVerification(context.runtime, { email: submission.value.email, language: context.language, ip: context.clientIp });
    if (!outcome.ok) return data({ limited: true }, { status: 429 });
    return redirect(`/portal/verify?sent=1&email=${encodeURIComponent(submission.value.email)}`);
  }
  return redirect("/portal/verify?sent=1");
}

export default function VerifyEmail() {
  const { state, email } = useLoaderData<typeof loader>();
  const limited = useActionData<typeof action>()?.limited;
  const { t } = useTranslation("auth");
  return (
    <AuthCard title={t(`verify.${state}.title`)}>
      {limited ? (
        <div className="alert error" role="alert">
          {t("security:errors.tooManyRequests")}
        </div>
      ) : null}
      <p>{t(`verify.${state}.body`, { email })}</p>
      <Form method="post" className="stack">
        <div className="field">
          <label htmlFor="resend-email">{t("fields.email")}</label>
          <input id="resend-email" name="email" type="email" defaultValue={email} autoComplete="email" required />
        </div>
        <button type="submit" className="secondary">
          {t("verify.resend")}
        </button>
      </Form>
      <p>
        <Link to="/portal/login">{t("verify.backToSignIn")}</Link>
      </p>
    </AuthCard>
  );
}
