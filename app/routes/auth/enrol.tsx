import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { safeRedirect } from "../../core/auth/guards.server.ts";
import { beginTotpEnrolment, confirmTotpEnrolment } from "../../core/auth/mfa.server.ts";
import { actorOf } from "../../core/auth/second-factor.server.ts";
import { codeSchema } from "../../core/auth/security-forms.ts";
import { completeSecondFactor } from "../../core/auth/session.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { PasskeyButton } from "../../ui/passkey-button.tsx";
import { BackupCodes, TotpSetup } from "../../ui/security-factors.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

// Forced enrolment: a staff user whose role requires a second factor sets one up before anything else.
export const handle = { i18n: ["common", "auth", "security"] };
export const meta = titleMeta;

function pendingEnrolment(context: LoaderFunctionArgs["context"]) {
  const pending = context.pendingAuth;
  if (!pending || pending.session.level !== "enrolment") throw redirect("/staff/login");
  return pending;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const pending = pendingEnrolment(context);
  const setup = await beginTotpEnrolment(context.runtime.db, context.runtime.config.secretsKey, pending.user);
  if (setup.alreadyEnrolled) throw redirect("/staff/login");
  const t = fixedT(context.language, "security");
  return {
    title: withAppName(t("enrol.title")),
    qr: setup.qr,
    secret: setup.secret,
    redirectTo: safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "/staff"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const pending = pendingEnrolment(context);
  const parsed = codeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "errors.codeFormat", backupCodes: null }, { status: 400 });
  const result = await confirmTotpEnrolment(context.runtime.db, context.runtime.config.secretsKey, actorOf(pending.user), { code: parsed.data.code, ip: context.clientIp });
  if (!result.ok) return data({ error: "errors.invalidCode", backupCodes: null }, { status: 400 });
  await completeSecondFactor(context.runtime.db, pending.session.id);
  return { error: null, backupCodes: result.backupCodes ?? [] };
}

export default function Enrol() {
  const { qr, secret, redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("security");
  if (actionData?.backupCodes) {
    return (
      <AuthCard title={t("enrol.doneTitle")}>
        <BackupCodes codes={actionData.backupCodes} continueTo={redirectTo.startsWith("/staff") ? redirectTo : "/staff"} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("enrol.title")} subtitle={t("enrol.subtitle")}>
      <TotpSetup qr={qr} secret={secret} error={actionData?.error} />
      <p className="muted">{t("enrol.orPasskey")}</p>
      <PasskeyButton endpoint="/staff/login/passkey" mode="register" redirectTo={redirectTo} />
    </AuthCard>
  );
}
