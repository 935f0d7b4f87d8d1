import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { portalKinds, portalOf } from "../../core/auth/auth-forms.ts";
import { safeRedirect } from "../../core/auth/guards.server.ts";
import { factorsOf, hasFactor } from "../../core/auth/mfa.server.ts";
import { confirmIdentity } from "../../core/auth/second-factor.server.ts";
import { confirmIdentitySchema } from "../../core/auth/security-forms.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { PasskeyButton } from "../../ui/passkey-button.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

// Step-up: before an export, an erasure or a change of roles, the user proves it is them again.
export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

function signedIn(context: LoaderFunctionArgs["context"], request: Request) {
  const url = new URL(request.url);
  const portal = portalOf(url.pathname);
  const auth = context.auth;
  if (!auth || auth.user.kind !== portalKinds[portal]) throw redirect(`/${portal}/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  const back = safeRedirect(url.searchParams.get("redirectTo"), `/${portal}`);
  return { portal, auth, back: back.startsWith(`/${portal}`) ? back : `/${portal}` };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { portal, auth, back } = signedIn(context, request);
  const factors = await factorsOf(context.runtime.db, auth.user.id);
  const t = fixedT(context.language, "security");
  return { portal, back, askCode: hasFactor(factors), hasPasskey: factors.passkeys.length > 0, title: withAppName(t("stepUp.title")) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { auth, back } = signedIn(context, request);
  const parsed = confirmIdentitySchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "errors.wrongPassword" }, { status: 400 });
  const result = await confirmIdentity(context.runtime, auth, { password: parsed.data.password, code: parsed.data.code || null, ip: context.clientIp });
  if (!result.ok) return data({ error: `errors.${result.error}` }, { status: result.error === "rateLimited" ? 429 : 400 });
  return redirect(back);
}

export default function ConfirmIdentity() {
  const { portal, back, askCode, hasPasskey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("security");
  return (
    <AuthCard title={t("stepUp.title")} subtitle={t("stepUp.subtitle")}>
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
        </div>
      ) : null}
      {hasPasskey ? <PasskeyButton endpoint={`/${portal}/security/passkey`} mode="authenticate" redirectTo={back} /> : null}
      <Form method="post" className="stack">
        <div className="field">
          <label htmlFor="password">{t("stepUp.password")}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {askCode ? (
          <div className="field">
            <label htmlFor="code">{t("challenge.codeLabel")}</label>
            <input id="code" name="code" autoComplete="one-time-code" required maxLength={24} />
            <p className="hint">{t("challenge.codeHint")}</p>
          </div>
        ) : null}
        <button type="submit" className="primary wide">
          {t("stepUp.submit")}
        </button>
      </Form>
      <p>
        <a href={`/${portal}`}>{t("stepUp.cancel")}</a>
      </p>
    </AuthCard>
  );
}
