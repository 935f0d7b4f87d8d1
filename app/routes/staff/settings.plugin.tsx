import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import type { Language } from "../../core/i18n/languages.ts";
import { formatLocalTime } from "../../core/time/format-time.ts";
import { parseLocalTime } from "../../core/time/local-time.ts";
import type { PluginSettingField } from "../../core/plugins/contract.ts";
import type { AppRuntime } from "../../core/runtime/runtime.server.ts";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { translateError } from "../../ui/translate-error.ts";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.plugin.manage";

/** The plugin whose settings the URL names, when it is installed and has settings. */
function pluginWithSettings(runtime: AppRuntime, pluginId: string | undefined) {
  const plugin = pluginId ? runtime.registry.get(pluginId) : undefined;
  const settings = plugin?.manifest.settings;
  if (!plugin || !settings) notFound();
  return { id: plugin.manifest.id, name: plugin.manifest.name, settings };
}

/** A form value as the field's type: numbers as numbers, a checkbox as true/false; blank numbers stay blank so the schema says so. */
function formValue(field: PluginSettingField, form: FormData): unknown {
  const raw = form.get(field.name);
  if (field.type === "boolean") return raw === "on";
  const text = typeof raw === "string" ? raw.trim() : "";
  if (field.type === "number") return text === "" ? undefined : Number(text.replace(",", "."));
  return text;
}

/** A stored `HH:MM` as the user's language writes it; anything else as it is. */
function shownTime(value: unknown, language: Language) {
  const time = parseLocalTime(value);
  return time ? formatLocalTime(time, language) : (value ?? null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const plugin = pluginWithSettings(runtime, params.pluginId);
  const t = fixedT(language);
  const saved = await runtime.registry.settings(runtime.db, plugin.id);
  const values = { ...plugin.settings.defaults, ...saved };
  const name = t(`${plugin.id}:${plugin.name}`);
  return {
    title: withAppName(t("staff:plugins.settings.title", { plugin: name })),
    tabs: settingsTabPermissions(actor.permissions),
    saved: new URL(request.url).searchParams.get("notice") === "saved",
    plugin: {
      id: plugin.id,
      name,
      enabled: (await runtime.registry.enabledPluginIds(runtime.db)).includes(plugin.id),
      // labels translated here, so the browser needs no plugin locales
      fields: plugin.settings.fields.map((f) => ({
        name: f.name,
        type: f.type,
        label: t(`${plugin.id}:${f.label}`),
        options: f.options?.map((o) => ({
          value: o.value,
          label: t(`${plugin.id}:${o.label}`),
        })),
        value: f.type === "time" ? shownTime(values[f.name], language) : (values[f.name] ?? null),
      })),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime, language } = context;
  const plugin = pluginWithSettings(runtime, params.pluginId);
  const form = await request.formData();
  const values = Object.fromEntries(plugin.settings.fields.map((f) => [f.name, formValue(f, form)]));
  const result = await runtime.registry.saveSettings(runtime.db, actor, plugin.id, values);
  if (!result.ok) {
    // translated here: a plugin's own messages live in its namespace, which the browser does not load
    const t = fixedT(language, "staff");
    const errors: Record<string, string> = {};
    for (const issue of result.issues) {
      const field = String(issue.path[0] ?? "");
      errors[field] ??= translateError(t, issue.message);
    }
    // what was typed comes back as typed
    const entered = Object.fromEntries(
      plugin.settings.fields.map((f) => [f.name, f.type === "boolean" ? form.get(f.name) === "on" : String(form.get(f.name) ?? "")]),
    );
    return data({ errors, entered }, { status: 400 });
  }
  return redirect(`/staff/settings/plugins/${plugin.id}?notice=saved`);
}

export default function PluginSettingsPage() {
  const { plugin, tabs, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const errors = actionData?.errors ?? {};
  const entered = actionData?.entered as Record<string, unknown> | undefined;
  return (
    <>
      <SettingsHeader title={t("plugins.settings.title", { plugin: plugin.name })} permissions={tabs} />
      <p>
        <Link to="/staff/settings/plugins">← {t("plugins.title")}</Link>
      </p>
      {saved ? (
        <div className="alert success" role="status">
          {t("plugins.settings.saved")}
        </div>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <div className="alert error" role="alert">
          {t("plugins.settings.invalid")}
        </div>
      ) : null}
      {plugin.enabled ? null : <p className="muted">{t("plugins.settings.disabledHint")}</p>}
      <section className="card">
        <Form method="post" className="stack" noValidate>
          {plugin.fields.map((field) => {
            const id = `setting-${field.name}`;
            const error = errors[field.name];
            const value = entered ? entered[field.name] : field.value;
            const describedBy = error ? `${id}-error` : undefined;
            const message = error ? (
              <p className="error" id={`${id}-error`}>
                {error}
              </p>
            ) : null;
            if (field.type === "boolean") {
              return (
                <div key={field.name} className="checkbox">
                  <input
                    id={id}
                    name={field.name}
                    type="checkbox"
                    defaultChecked={value === true}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy}
                  />
                  <label htmlFor={id}>{field.label}</label>
                  {message}
                </div>
              );
            }
            return (
              <div key={field.name} className="field">
                <label htmlFor={id}>{field.label}</label>
                {field.type === "select" ? (
                  <select id={id} name={field.name} defaultValue={String(value ?? "")} aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
                    {field.options?.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    // a saved value is shown as the page writes it (a time typed 17:30 comes back 17.30)
                    key={String(value)}
                    id={id}
                    name={field.name}
                    type="text"
                    inputMode={field.type === "number" ? "decimal" : undefined}
                    defaultValue={value === null || value === undefined ? "" : String(value)}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy}
                  />
                )}
                {message}
              </div>
            );
          })}
          <div>
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("plugins.settings.save")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
