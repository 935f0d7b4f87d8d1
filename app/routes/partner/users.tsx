import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { colleagueActionSchema, inviteColleagueSchema } from "../../core/partners/partner-forms.ts";
import { deactivateColleague, inviteColleague, isPartnerAdmin, reinviteColleague, setColleagueAdmin, type ColleagueResult } from "../../core/partners/partner-users.server.ts";
import { listOrganisationUsers } from "../../core/partners/partners.server.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { useServerForm } from "../../ui/server-form.ts";

export const meta = titleMeta;

/** Colleagues in the partner's own organisation (the id comes from the session); its administrators manage them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  const db = context.runtime.db;
  const [users, admin] = await Promise.all([listOrganisationUsers(db, actor.partnerOrgId), isPartnerAdmin(db, actor)]);
  return {
    title: pageTitle(context.language, "partner:users.title"),
    users: users.map((u) => ({ ...u, you: u.id === actor.userId })),
    admin,
    language: context.language,
    constraint: getZodConstraint(inviteColleagueSchema),
  };
}

type Done = {
  kind: "invited" | "deactivate" | "reinvite" | "grantAdmin" | "withdrawAdmin";
  name: string;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requirePartner(context, request);
  const runtime = context.runtime;
  const formData = await request.formData();
  if (formData.get("intent") === "invite") {
    const submission = parseWithZod(formData, {
      schema: inviteColleagueSchema,
    });
    if (submission.status !== "success") return data({ result: submission.reply(), done: null, error: null }, { status: 400 });
    const { intent: _, ...input } = submission.value;
    const result = await inviteColleague(runtime, actor, input);
    if (!result.ok) {
      const status = result.error === "notAdmin" ? 403 : 400;
      return data(
        {
          result: submission.reply({
            fieldErrors: { email: [`partner:users.errors.${result.error}`] },
          }),
          done: null,
          error: null,
        },
        { status },
      );
    }
    return {
      result: submission.reply({ resetForm: true }),
      done: { kind: "invited", name: input.email } satisfies Done,
      error: null,
    };
  }
  const submission = parseWithZod(formData, { schema: colleagueActionSchema });
  if (submission.status !== "success") return data({ result: undefined, done: null, error: "validation.invalid" }, { status: 400 });
  const { intent, userId } = submission.value;
  const [target] = (await listOrganisationUsers(runtime.db, actor.partnerOrgId)).filter((u) => u.id === userId);
  let result: ColleagueResult;
  if (intent === "deactivate") result = await deactivateColleague(runtime, actor, userId);
  else if (intent === "reinvite") result = await reinviteColleague(runtime, actor, userId, context.language);
  else result = await setColleagueAdmin(runtime, actor, userId, intent === "grantAdmin");
  if (!result.ok) {
    const status = result.error === "notAdmin" ? 403 : result.error === "notFound" ? 404 : 400;
    return data(
      {
        result: undefined,
        done: null,
        error: `partner:users.errors.${result.error}`,
      },
      { status },
    );
  }
  return {
    result: undefined,
    done: { kind: intent, name: target?.name ?? "" } satisfies Done,
    error: null,
  };
}

function ColleagueButton({ userId, intent, label }: { userId: string; intent: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="userId" value={userId} />
      <button type="submit" name="intent" value={intent} className="link-button">
        {label}
      </button>
    </Form>
  );
}

export default function PartnerUsers() {
  const { users, admin, language, constraint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("partner");
  const [form, fields] = useServerForm({
    lastResult: actionData?.result,
    constraint,
    defaultValue: { language },
  });
  const done = actionData?.done;
  return (
    <>
      <PageHeader title={t("users.title")} />
      <p className="muted">{admin ? t("users.intro") : t("users.introMember")}</p>
      {done ? (
        <div className="alert success" role="status">
          {done.kind === "invited" ? t("users.done.invited", { email: done.name }) : t(`users.done.${done.kind}`, { name: done.name })}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
        </div>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t("users.name")}</th>
            <th scope="col">{t("users.email")}</th>
            <th scope="col">{t("users.role")}</th>
            <th scope="col">{t("users.status")}</th>
            <th scope="col">{t("users.since")}</th>
            {admin ? <th scope="col">{t("users.actions")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td data-label={t("users.name")}>
                {u.name}
                {u.you ? <span className="muted"> ({t("users.you")})</span> : null}
              </td>
              <td data-label={t("users.email")}>{u.email}</td>
              <td data-label={t("users.role")}>{t(u.admin ? "users.roleAdmin" : "users.roleMember")}</td>
              <td data-label={t("users.status")}>
                <span className={`badge ${!u.active ? "off" : u.pending ? "warn" : "ok"}`}>{t(!u.active ? "users.deactivated" : u.pending ? "users.pending" : "users.active")}</span>
              </td>
              <td data-label={t("users.since")}>{formatDate(u.createdAt, language)}</td>
              {admin ? (
                <td data-label={t("users.actions")}>
                  {u.you ? null : (
                    <div className="row-actions">
                      {!u.active || u.pending ? <ColleagueButton userId={u.id} intent="reinvite" label={t("users.reinvite")} /> : null}
                      {u.active ? <ColleagueButton userId={u.id} intent="deactivate" label={t("users.deactivate")} /> : null}
                      {u.active ? <ColleagueButton userId={u.id} intent={u.admin ? "withdrawAdmin" : "grantAdmin"} label={t(u.admin ? "users.withdrawAdmin" : "users.grantAdmin")} /> : null}
                    </div>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {admin ? (
        <section className="card" aria-labelledby="invite-colleague">
          <h2 id="invite-colleague">{t("users.invite.title")}</h2>
          <p className="muted">{t("users.invite.intro")}</p>
          <FormAlert errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="invite" />
            <div className="grid two">
              <TextField field={fields.name} label={t("users.invite.name")} />
              <TextField field={fields.email} label={t("users.invite.email")} type="email" />
              <SelectField
                field={fields.language}
                label={t("users.invite.language")}
                options={[
                  { value: "id", label: "Bahasa Indonesia" },
                  { value: "en", label: "English" },
                ]}
              />
            </div>
            <label className="checkbox">
              <input type="checkbox" name="admin" /> {t("users.invite.admin")}
            </label>
            <button type="submit" className="primary">
              {t("users.invite.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
