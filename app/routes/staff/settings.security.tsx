import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { resetFactors, usersWithFactors } from "../../core/auth/mfa.server.ts";
import { securitySettingsSchema } from "../../core/auth/security-forms.ts";
import { readSecuritySettings, saveSecuritySettings } from "../../core/auth/security-settings.server.ts";
import { endAllSessions } from "../../core/auth/session.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { roleLabel } from "../../core/roles/roles.server.ts";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { isUuid } from "../../core/validation/ids.ts";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "security"] };
export const meta = titleMeta;

const PERMISSION = "core.settings.manage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db, registry } = context.runtime;
  const settings = await readSecuritySettings(db, registry);
  const t = fixedT(context.language, "security");
  const notice = new URL(request.url).searchParams.get("notice");
  return {
    title: withAppName(t("settings.title")),
    tabs: settingsTabPermissions(actor.permissions),
    notice: notice === "saved" || notice === "reset" ? notice : null,
    policy: settings.policy,
    isDefault: settings.isDefault,
    required: settings.requiredRoles,
    defaults: settings.defaultRoles,
    roles: settings.roles.map((r) => ({ id: r.id, label: roleLabel(context.language, r) })),
    users: await usersWithFactors(db),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  requireRecentAuth(context, request);
  const { db, registry } = context.runtime;
  const formData = await request.formData();
  if (formData.get("intent") === "reset") {
    const userId = String(formData.get("userId") ?? "");
    if (!isUuid(userId) || !(await resetFactors(db, actor, { userId, ip: context.clientIp }))) {
      return data({ error: "errors.unknownUser" }, { status: 400 });
    }
    await endAllSessions(context.runtime, userId);
    return redirect("/staff/settings/security?notice=reset");
  }
  const parsed = securitySettingsSchema.safeParse({
    staffIdleMinutes: formData.get("staffIdleMinutes"),
    staffAbsoluteHours: formData.get("staffAbsoluteHours"),
    rule: formData.get("rule"),
    requiredRoles: formData.getAll("requiredRoles").map(String),
  });
  if (!parsed.success) return data({ error: "errors.settingsInvalid" }, { status: 400 });
  await saveSecuritySettings(db, registry, actor, parsed.data);
  return redirect("/staff/settings/security?notice=saved");
}

export default function SecuritySettings() {
  const { tabs, notice, policy, isDefault, required, defaults, roles, users } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("security");
  return (
    <>
      <SettingsHeader title={t("settings.title")} permissions={tabs} />
      {notice ? (
        <div className="alert success" role="status">
          {t(`settings.notice.${notice}`)}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
        </div>
      ) : null}
      <Form method="post" className="stack">
        <section className="card stack" aria-labelledby="sessions">
          <h2 id="sessions">{t("settings.sessionsTitle")}</h2>
          <p className="muted">{t("settings.sessionsIntro")}</p>
          <div className="grid two">
            <div className="field">
              <label htmlFor="idle">{t("settings.idle")}</label>
              <input id="idle" name="staffIdleMinutes" type="number" inputMode="numeric" min={5} max={480} defaultValue={policy.staffIdleMinutes} required />
            </div>
            <div className="field">
              <label htmlFor="absolute">{t("settings.absolute")}</label>
              <input id="absolute" name="staffAbsoluteHours" type="number" inputMode="numeric" min={1} max={24} defaultValue={policy.staffAbsoluteHours} required />
            </div>
          </div>
          <p className="muted">{t("settings.customerSessions")}</p>
        </section>
        <section className="card stack" aria-labelledby="mfa">
          <h2 id="mfa">{t("settings.mfaTitle")}</h2>
          <p className="muted">{t("settings.mfaIntro")}</p>
          <fieldset>
            <legend>{t("settings.ruleLegend")}</legend>
            <label>
              <input type="radio" name="rule" value="default" defaultChecked={isDefault} /> {t("settings.ruleDefault", { roles: defaults.join(", ") || "—" })}
            </label>
            <label>
              <input type="radio" name="rule" value="custom" defaultChecked={!isDefault} /> {t("settings.ruleCustom")}
            </label>
          </fieldset>
          <fieldset>
            <legend>{t("settings.rolesLegend")}</legend>
            {roles.map((r) => (
              <label key={r.id}>
                <input type="checkbox" name="requiredRoles" value={r.id} defaultChecked={required.includes(r.id)} /> {r.label}
              </label>
            ))}
          </fieldset>
        </section>
        <div>
          <button type="submit" name="intent" value="save" className="primary">
            {t("settings.save")}
          </button>
        </div>
      </Form>
      <section className="card stack" aria-labelledby="factors">
        <h2 id="factors">{t("settings.usersTitle")}</h2>
        <p className="muted">{t("settings.usersIntro")}</p>
        <div>
          <table className="data">
            <thead>
              <tr>
                <th>{t("settings.user")}</th>
                <th>{t("settings.factors")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td data-label={t("settings.user")}>
                    {u.name}
                    <br />
                    <small className="muted">{u.email}</small>
                  </td>
                  <td data-label={t("settings.factors")}>
                    {[u.totp ? t("settings.hasTotp") : null, u.passkeys ? t("settings.hasPasskeys", { count: u.passkeys }) : null, t("settings.codesLeft", { count: u.backupCodesLeft })]
                      .filter(Boolean)
                      .join(" · ")}
                  </td>
                  <td>
                    {u.totp || u.passkeys ? (
                      <Form method="post">
                        <input type="hidden" name="userId" value={u.id} />
                        <button type="submit" name="intent" value="reset" className="danger">
                          {t("settings.reset")}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
