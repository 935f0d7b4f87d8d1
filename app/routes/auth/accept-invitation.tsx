import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { acceptInvitation, invitationDetails, type InvitationKind } from "../../core/auth/accounts.server.ts";
import { acceptInvitationSchema } from "../../core/auth/auth-forms.ts";
import { startSession } from "../../core/auth/session.server.ts";
import { AuthCard } from "../../ui/auth-card.tsx";
import { FormAlert, TextField } from "../../ui/form-field.tsx";
import { useServerForm } from "../../ui/server-form.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const handle = { i18n: ["common", "auth"] };
export const meta = titleMeta;

/** One page for both invitations: /staff/invitation and /partner/invitation. */
function kindOf(request: Request): InvitationKind {
  return new URL(request.url).pathname.startsWith("/staff/") ? "staff" : "partner";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const kind = kindOf(request);
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const invitee = token ? await invitationDetails(context.runtime, kind, token) : null;
  return { title: pageTitle(context.language, `auth:invitation.title.${kind}`), kind, token, invitee, constraint: getZodConstraint(acceptInvitationSchema) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: acceptInvitationSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password", "confirmPassword"] }), { status: 400 });
  const { token, name, password } = submission.value;
  const kind = kindOf(request);
  const userId = await acceptInvitation(context.runtime, kind, { token, name, password, ip: context.clientIp });
  if (!userId) return data(submission.reply({ formErrors: [`auth:invitation.invalid.${kind}`], hideFields: ["password", "confirmPassword"] }), { status: 400 });
  const cookie = await startSession(context.runtime, userId, request);
  return redirect(`/${kind}`, { headers: { "Set-Cookie": cookie } });
}

export default function AcceptInvitation() {
  const { kind, token, invitee, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const [form, fields] = useServerForm({
    lastResult,
    constraint,
    defaultValue: { name: invitee?.name ?? "" },
  });
  if (!invitee) {
    return (
      <AuthCard title={t(`invitation.title.${kind}`)}>
        <div className="alert error" role="alert">
          {t(`invitation.invalid.${kind}`)}
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t(`invitation.title.${kind}`)} subtitle={t("invitation.subtitle", { email: invitee.email })}>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="token" value={token} />
        <TextField field={fields.name} label={t("fields.name")} autoComplete="name" />
        <TextField field={fields.password} label={t("fields.newPassword")} type="password" autoComplete="new-password" hint={t("fields.passwordHint")} />
        <TextField field={fields.confirmPassword} label={t("fields.confirmPassword")} type="password" autoComplete="new-password" />
        <button type="submit" className="primary wide">
          {t("invitation.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
