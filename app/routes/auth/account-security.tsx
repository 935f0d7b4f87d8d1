import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { portalOf } from "../../core/auth/auth-forms.ts";
import { requirePartner, requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { beginTotpEnrolment, confirmTotpEnrolment, factorsOf, regenerateBackupCodes, removeTotp } from "../../core/auth/mfa.server.ts";
import { removePasskey } from "../../core/auth/passkeys.server.ts";
import { codeSchema } from "../../core/auth/security-forms.ts";
import { endOtherSessions } from "../../core/auth/session.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { PasskeyButton } from "../../ui/passkey-button.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { BackupCodes, TotpSetup } from "../../ui/security-factors.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

// A staff or partner user's own second factors: authenticator app, passkeys, backup codes.
export const handle = { i18n: ["common", "security"] };
export const meta = titleMeta;

function signedIn(context: LoaderFunctionArgs["context"], request: Request) {
  const portal = portalOf(new URL(request.url).pathname);
  // everyone manages their own factors: no permission beyond being signed in to this portal
  return portal === "partner" ? { portal, auth: requirePartner(context, request) } : { portal, auth: requireStaff(context, request) };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { portal, auth } = signedIn(context, request);
  const { db } = context.runtime;
  const factors = await factorsOf(db, auth.user.id);
  const wantsSetup = new URL(request.url).searchParams.get("setup") === "totp" && !factors.totp;
  const setup = wantsSetup ? await beginTotpEnrolment(db, context.runtime.config.secretsKey, auth.user) : null;
  const t = fixedT(context.language, "security");
  return {
    portal,
    title: withAppName(t("account.title")),
    factors: {
      totp: factors.totp,
      backupCodesLeft: factors.backupCodesLeft,
      passkeys: factors.passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: formatDateTime(p.createdAt, context.language) })),
    },
    setup: setup && !setup.alreadyEnrolled ? { qr: setup.qr, secret: setup.secret } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { portal, auth } = signedIn(context, request);
  const { db } = context.runtime;
  const form = Object.fromEntries(await request.formData());
  const here = `/${portal}/security`;
  if (form.intent === "confirm-totp") {
    const parsed = codeSchema.safeParse(form);
    const result = parsed.success ? await confirmTotpEnrolment(db, context.runtime.config.secretsKey, auth.actor, { code: parsed.data.code, ip: context.clientIp }) : { ok: false as const };
    if (!result.ok) return data({ error: "errors.invalidCode", backupCodes: null }, { status: 400 });
    // a new factor: sessions elsewhere (maybe a thief's) end
    await endOtherSessions(db, auth.user.id, auth.session.id);
    return { error: null, backupCodes: result.backupCodes };
  }
  // removing a factor or making new backup codes: prove it is you first
  requireRecentAuth(context, request);
  if (form.intent === "remove-totp") {
    await removeTotp(db, auth.actor, context.clientIp);
    return redirect(here);
  }
  if (form.intent === "regenerate-codes") {
    return { error: null, backupCodes: await regenerateBackupCodes(db, auth.actor, auth.user.id, context.clientIp) };
  }
  if (form.intent === "remove-passkey" && typeof form.passkeyId === "string") {
    await removePasskey(db, auth.actor, { passkeyId: form.passkeyId, ip: context.clientIp });
    return redirect(here);
  }
  return data({ error: "errors.unknownAction", backupCodes: null }, { status: 400 });
}

export default function AccountSecurity() {
  const { portal, factors, setup } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("security");
  return (
    <>
      <PageHeader title={t("account.title")} />
      <p className="muted">{t("account.intro")}</p>
      {actionData?.backupCodes ? <BackupCodes codes={actionData.backupCodes} continueTo={`/${portal}/security`} /> : null}
      {actionData?.error && !setup ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
        </div>
      ) : null}
      <section className="card stack" aria-labelledby="app-factor">
        <h2 id="app-factor">{t("account.totpTitle")}</h2>
        {factors.totp ? (
          <>
            <p>{t("account.totpOn")}</p>
            <Form method="post">
              <button type="submit" name="intent" value="remove-totp" className="danger">
                {t("account.totpRemove")}
              </button>
            </Form>
          </>
        ) : setup ? (
          <TotpSetup qr={setup.qr} secret={setup.secret} error={actionData?.error} />
        ) : (
          <p>
            {t("account.totpOff")}{" "}
            <Link to="?setup=totp" className="button secondary">
              {t("account.totpSetUp")}
            </Link>
          </p>
        )}
      </section>
      <section className="card stack" aria-labelledby="passkeys">
        <h2 id="passkeys">{t("account.passkeysTitle")}</h2>
        <p className="muted">{t("account.passkeysIntro")}</p>
        {factors.passkeys.length ? (
          <ul className="stack">
            {factors.passkeys.map((p) => (
              <li key={p.id}>
                {t("account.passkeyItem", { name: p.name, date: p.createdAt })}{" "}
                <Form method="post" style={{ display: "inline" }}>
                  <input type="hidden" name="passkeyId" value={p.id} />
                  <button type="submit" name="intent" value="remove-passkey" className="link-button">
                    {t("account.passkeyRemove")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("account.passkeysNone")}</p>
        )}
        <PasskeyButton endpoint={`/${portal}/security/passkey`} mode="register" />
      </section>
      <section className="card stack" aria-labelledby="backup">
        <h2 id="backup">{t("backupCodes.title")}</h2>
        <p>{t("account.backupLeft", { count: factors.backupCodesLeft })}</p>
        <Form method="post">
          <button type="submit" name="intent" value="regenerate-codes" className="secondary">
            {t("account.backupRegenerate")}
          </button>
        </Form>
      </section>
    </>
  );
}
