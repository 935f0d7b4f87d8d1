import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { portalOf } from "../../core/auth/auth-forms.ts";
import { safeRedirect } from "../../core/auth/guards.server.ts";
import { factorsOf } from "../../core/auth/mfa.server.ts";
import { proveSecondFactor } from "../../core/auth/second-factor.server.ts";
import { codeSchema } from "../../core/auth/security-forms.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { PasskeyButton } from "../../ui/passkey-button.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

function pendingOrSignIn(context: LoaderFunctionArgs["context"], request: Request) {
  const portal = portalOf(new URL(request.url).pathname);
  const pending = context.pendingAuth;
  if (!pending || pending.session.level !== "second_factor") throw redirect(`/${portal}/login`);
  return { portal, pending };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { portal, pending } = pendingOrSignIn(context, request);
  const factors = await factorsOf(context.runtime.db, pending.user.id);
  const t = fixedT(context.language, "security");
  return {
    portal,
    redirectTo: safeRedirect(new URL(request.url).searchParams.get("redirectTo"), `/${portal}`),
    hasPasskey: factors.passkeys.length > 0,
    hasTotp: factors.totp,
    title: withAppName(t("challenge.title")),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { portal, pending } = pendingOrSignIn(context, request);
  const form = Object.fromEntries(await request.formData());
  const parsed = codeSchema.safeParse(form);
  if (!parsed.success) return data({ error: "security:errors.codeFormat" }, { status: 400 });
  const result = await proveSecondFactor(context.runtime, pending, { code: parsed.data.code, ip: context.clientIp });
  if (!result.ok) return data({ error: `security:errors.${result.error}` }, { status: result.error === "rateLimited" ? 429 : 400 });
  const target = safeRedirect(String(form.redirectTo ?? ""), `/${portal}`);
  return redirect(target.startsWith(`/${portal}`) ? target : `/${portal}`);
}

export default function SecondFactor() {
  const { portal, redirectTo, hasPasskey, hasTotp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("security");
  return (
    <AuthCard title={t("challenge.title")} subtitle={t(hasTotp ? "challenge.subtitleTotp" : "challenge.subtitleBackup")}>
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
        </div>
      ) : null}
      {hasPasskey ? <PasskeyButton endpoint={`/${portal}/login/passkey`} mode="authenticate" redirectTo={redirectTo} /> : null}
      <Form method="post" className="stack">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="field">
          <label htmlFor="code">{t("challenge.codeLabel")}</label>
          <input id="code" name="code" autoComplete="one-time-code" inputMode="text" required maxLength={24} />
          <p className="hint">{t("challenge.codeHint")}</p>
        </div>
        <button type="submit" className="primary wide">
          {t("challenge.submit")}
        </button>
      </Form>
      <Form method="post" action="/logout" className="actions">
        <button type="submit" className="link-button">
          {t("challenge.cancel")}
        </button>
      </Form>
    </AuthCard>
  );
}
