import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { startSession } from "../../core/auth/session.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { listRolesWithPermissions, permissionLabel, roleLabel, setRolePermissions, type RoleError } from "../../core/roles/roles.server.ts";
import { z } from "../../core/validation/validation.ts";
import { FormAlert } from "../../ui/form-field.tsx";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.role.manage";
const permissionIds = z.array(z.string().min(1).max(200)).max(1000).default([]);

const saveSchema = z.object({
  intent: z.literal("save"),
  roleId: z.string().min(1).max(64),
  permissions: permissionIds,
  // the permissions this form showed: only those are changed
  shown: permissionIds,
});

const errorKeys: Record<RoleError, string> = {
  unknownRole: "staff:settings.roles.errors.unknownRole",
  unknownPermission: "staff:settings.roles.errors.unknownPermission",
  adminHasAll: "staff:settings.roles.errors.adminHasAll",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const { roles, groups } = await listRolesWithPermissions(runtime);
  const t = fixedT(language, "staff");
  const url = new URL(request.url);
  const saved = roles.find((r) => r.id === url.searchParams.get("saved"));
  return {
    title: withAppName(t("settings.roles.title")),
    tabs: settingsTabPermissions(actor.permissions),
    saved: saved ? roleLabel(language, saved) : null,
    roles: roles.map((r) => ({ ...r, label: roleLabel(language, r) })),
    groups: groups.map((g) => ({
      ...g,
      label:
        g.pluginId === null
          ? t("settings.roles.coreGroup")
          : g.installed
            ? t(`${g.pluginId}:${runtime.registry.get(g.pluginId)!.manifest.name}`)
            : g.pluginId,
      permissions: g.permissions.map((id) => ({ id, label: permissionLabel(language, { id, pluginId: g.pluginId }) })),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  // a permission change is a privilege change: the admin proves it is them (issue 12)
  requireRecentAuth(context, request);
  const submission = parseWithZod(await request.formData(), { schema: saveSchema });
  if (submission.status !== "success") {
    return data({ roleId: null, result: submission.reply({ formErrors: ["validation.invalid"] }) }, { status: 400 });
  }
  const { roleId, permissions, shown } = submission.value;
  const result = await setRolePermissions(context.runtime, actor, { roleId, permissionIds: permissions, scope: shown });
  if (!result.ok) return data({ roleId, result: submission.reply({ formErrors: [errorKeys[result.error]] }) }, { status: 400 });
  // holders of the role were signed out; when that includes the actor, carry on in a fresh session
  const headers = result.self ? { "Set-Cookie": await startSession(context.runtime, actor.userId, request) } : undefined;
  return redirect(`/staff/settings/roles?saved=${encodeURIComponent(roleId)}`, { headers });
}

export default function RolesSettings() {
  const { roles, groups, tabs, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const shown = groups.flatMap((g) => g.permissions.map((p) => p.id));
  // after a refused save, the boxes of that role show what was sent rather than what is stored
  const sent = actionData?.roleId ? new Set([actionData.result.initialValue?.permissions ?? []].flat()) : null;
  const isChecked = (role: (typeof roles)[number], permission: string) =>
    sent && actionData?.roleId === role.id ? sent.has(permission) : role.granted.includes(permission);
  const busyRole = navigation.state === "submitting" ? navigation.formData?.get("roleId") : null;
  return (
    <>
      <SettingsHeader title={t("settings.roles.title")} permissions={tabs} />
      <p className="muted">{t("settings.roles.intro")}</p>
      {saved ? (
        <div className="alert success" role="status">
          {t("settings.roles.saved", { role: saved })}
        </div>
      ) : null}
      <FormAlert errors={actionData?.result.error?.[""] ?? undefined} />
      {roles
        .filter((r) => !r.allPermissions)
        .map((role) => (
          <Form key={role.id} id={`role-${role.id}`} method="post" aria-label={t("settings.roles.formLabel", { role: role.label })}>
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="roleId" value={role.id} />
            {shown.map((p) => (
              <input key={p} type="hidden" name="shown" value={p} />
            ))}
          </Form>
        ))}
      <table className="data">
        <caption className="visually-hidden">{t("settings.roles.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("settings.roles.permission")}</th>
            {roles.map((role) => (
              <th key={role.id} scope="col">
                {role.label}
                <br />
                <small className="muted">{t("settings.roles.members", { count: role.members })}</small>
                {role.enabled ? null : (
                  <>
                    {" "}
                    <span className="badge off">{t("settings.roles.pluginOff")}</span>
                  </>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <Fragment key={group.pluginId ?? "core"}>
              <tr>
                <th scope="colgroup" colSpan={roles.length + 1}>
                  {group.label}{" "}
                  {group.enabled ? null : <span className="badge off">{group.installed ? t("settings.roles.pluginOff") : t("settings.roles.pluginGone")}</span>}
                </th>
              </tr>
              {group.permissions.map((permission) => (
                <tr key={permission.id}>
                  <td data-label={t("settings.roles.permission")}>
                    <span>
                      {permission.label}
                      <br />
                      <small className="muted">{permission.id}</small>
                    </span>
                  </td>
                  {roles.map((role) => (
                    <td key={role.id} data-label={role.label}>
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          {...(role.allPermissions
                            ? { checked: true, disabled: true, readOnly: true }
                            : { form: `role-${role.id}`, name: "permissions", value: permission.id, defaultChecked: isChecked(role, permission.id) })}
                        />
                        <span className="visually-hidden">{t("settings.roles.boxLabel", { role: role.label, permission: permission.label })}</span>
                      </label>
                    </td>
                  ))}
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>
              <span className="muted">{t("settings.roles.saveHint")}</span>
            </td>
            {roles.map((role) => (
              <td key={role.id} data-label={role.label}>
                {role.allPermissions ? (
                  <span className="muted">{t("settings.roles.adminAll")}</span>
                ) : (
                  <button
                    type="submit"
                    form={`role-${role.id}`}
                    className="secondary"
                    disabled={busyRole === role.id}
                    aria-label={t("settings.roles.saveLabel", { role: role.label })}
                  >
                    {t("settings.roles.save")}
                  </button>
                )}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </>
  );
}
