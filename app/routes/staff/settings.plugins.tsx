import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { intlLocale, type Language } from "../../core/i18n/languages.ts";
import type { AppRuntime } from "../../core/runtime/runtime.server.ts";
import { PluginDependencyError } from "../../core/plugins/registry.server.ts";
import { z } from "../../core/validation/validation.ts";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.plugin.manage";

const toggleSchema = z.object({
  intent: z.enum(["enable", "disable"]),
  pluginId: z.string().min(1).max(100),
});

/** A plugin's name in its own namespace, translated here so the browser needs no plugin locales. */
function pluginName(runtime: AppRuntime, language: Language, id: string) {
  const plugin = runtime.registry.get(id);
  return plugin ? fixedT(language)(`${id}:${plugin.manifest.name}`) : id;
}

function listOf(language: Language, names: string[]) {
  return new Intl.ListFormat(intlLocale(language), { style: "long", type: "conjunction" }).format(names);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const enabled = new Set(await runtime.registry.enabledPluginIds(runtime.db));
  const t = fixedT(language, "staff");
  const url = new URL(request.url);
  const changed = url.searchParams.get("plugin");
  const notice = url.searchParams.get("notice");
  return {
    title: withAppName(t("plugins.title")),
    tabs: settingsTabPermissions(actor.permissions),
    notice:
      changed && runtime.registry.get(changed) && (notice === "enabled" || notice === "disabled")
        ? t(`plugins.notices.${notice}`, { plugin: pluginName(runtime, language, changed) })
        : null,
    plugins: runtime.registry.plugins.map(({ manifest }) => ({
      id: manifest.id,
      name: pluginName(runtime, language, manifest.id),
      description: fixedT(language)(`${manifest.id}:${manifest.description}`),
      version: manifest.version,
      requires: manifest.requires.map((id) => ({ id, name: pluginName(runtime, language, id), enabled: enabled.has(id) })),
      enabled: enabled.has(manifest.id),
      hasSettings: Boolean(manifest.settings),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const submission = parseWithZod(await request.formData(), { schema: toggleSchema });
  if (submission.status !== "success") return data({ error: fixedT(language, "staff")("plugins.errors.unknown") }, { status: 400 });
  const { intent, pluginId } = submission.value;
  try {
    await runtime.registry.setEnabled(runtime.db, actor, pluginId, intent === "enable");
  } catch (error) {
    if (!(error instanceof PluginDependencyError)) throw error;
    const names = error.plugins.map((id) => pluginName(runtime, language, id));
    const message = fixedT(language, "staff")(error.code, { plugin: pluginName(runtime, language, pluginId), plugins: listOf(language, names) });
    return data({ error: message }, { status: 409 });
  }
  return redirect(`/staff/settings/plugins?notice=${intent}d&plugin=${encodeURIComponent(pluginId)}`);
}

export default function PluginsSettings() {
  const { plugins, tabs, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const busy = navigation.state === "submitting" ? navigation.formData?.get("pluginId") : null;
  return (
    <>
      <SettingsHeader title={t("plugins.title")} permissions={tabs} />
      <p className="muted">{t("plugins.intro")}</p>
      {notice ? (
        <div className="alert success" role="status">
          {notice}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {actionData.error}
        </div>
      ) : null}
      {plugins.length === 0 ? (
        <p className="muted">{t("plugins.none")}</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">{t("plugins.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("plugins.list.plugin")}</th>
              <th scope="col">{t("plugins.list.version")}</th>
              <th scope="col">{t("plugins.list.requires")}</th>
              <th scope="col">{t("plugins.list.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("plugins.list.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {plugins.map((p) => (
              <tr key={p.id}>
                <td data-label={t("plugins.list.plugin")}>
                  <span>
                    <strong>{p.name}</strong>
                    <br />
                    <span className="muted">{p.description}</span>
                  </span>
                </td>
                <td data-label={t("plugins.list.version")}>{p.version}</td>
                <td data-label={t("plugins.list.requires")}>
                  {p.requires.length ? (
                    <span className="actions">
                      {p.requires.map((r) => (
                        <span key={r.id} className={`badge${r.enabled ? "" : " warn"}`}>
                          {r.name}
                        </span>
                      ))}
                    </span>
                  ) : (
                    <span className="muted">{t("plugins.list.noRequires")}</span>
                  )}
                </td>
                <td data-label={t("plugins.list.status")}>
                  <span className={`badge ${p.enabled ? "ok" : "off"}`}>{p.enabled ? t("plugins.status.enabled") : t("plugins.status.disabled")}</span>
                </td>
                <td data-label={t("plugins.list.actions")}>
                  <span className="actions">
                    {p.hasSettings ? (
                      <Link className="button secondary" to={`/staff/settings/plugins/${p.id}`} aria-label={t("plugins.settings.linkLabel", { plugin: p.name })}>
                        {t("plugins.settings.link")}
                      </Link>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="pluginId" value={p.id} />
                      {p.enabled ? (
                        <button type="submit" name="intent" value="disable" className="danger" disabled={busy === p.id} aria-label={t("plugins.disableLabel", { plugin: p.name })}>
                          {t("plugins.disable")}
                        </button>
                      ) : (
                        <button type="submit" name="intent" value="enable" className="primary" disabled={busy === p.id} aria-label={t("plugins.enableLabel", { plugin: p.name })}>
                          {t("plugins.enable")}
                        </button>
                      )}
                    </Form>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
