// /staff/settings/satusehat — the organisation's SATUSEHAT ids (Organization, a Location per hospital
// branch), which the FHIR API then uses for identifiers and references in SATUSEHAT's systems.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { satusehatSettingsSchema } from "../../core/fhir/satusehat-settings.ts";
import { hospitalBranches, readSatusehatSettings, saveSatusehatSettings } from "../../core/fhir/satusehat-settings.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { SettingsTabs, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff", "fhir"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const t = fixedT(context.language, "fhir");
  const [settings, branches] = await Promise.all([readSatusehatSettings(db), hospitalBranches(db)]);
  return {
    title: withAppName(t("satusehat.title")),
    tabs: settingsTabPermissions(actor.permissions),
    saved: new URL(request.url).searchParams.get("notice") === "saved",
    settings,
    branches,
  };
}

/** Form fields: organizationId, location.<branch id>; blank means "not registered (yet)". */
export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const form = await request.formData();
  const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v.trim() : "");
  const locationIds: Record<string, string> = {};
  for (const [name, value] of form) {
    if (name.startsWith("location.") && text(value)) locationIds[name.slice("location.".length)] = text(value);
  }
  const parsed = satusehatSettingsSchema.safeParse({ organizationId: text(form.get("organizationId")) || null, locationIds });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] === "locationIds" ? `location.${String(issue.path[1])}` : String(issue.path[0]);
      errors[field] = issue.message.startsWith("fhir:") ? issue.message : "fhir:satusehat.errors.id";
    }
    return data({ errors, values: Object.fromEntries([...form].map(([k, v]) => [k, text(v)])) }, { status: 400 });
  }
  await saveSatusehatSettings(context.runtime.db, actor, parsed.data);
  return redirect("/staff/settings/satusehat?notice=saved");
}

export default function SatusehatSettings() {
  const { settings, branches, tabs, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("fhir");
  const value = (name: string, stored: string | null | undefined) => result?.values?.[name] ?? stored ?? "";
  const error = (name: string) =>
    result?.errors?.[name] ? (
      <p className="field-error" id={`${name}-error`} role="alert">
        {t(result.errors[name])}
      </p>
    ) : null;
  return (
    <>
      <SettingsTabs permissions={tabs} />
      <PageHeader title={t("satusehat.title")} />
      {saved ? (
        <div className="alert success" role="status">
          {t("satusehat.saved")}
        </div>
      ) : null}
      {result?.errors ? (
        <div className="alert error" role="alert">
          {t("satusehat.errors.form")}
        </div>
      ) : null}
      <section className="card" aria-labelledby="satusehat-ids">
        <h2 id="satusehat-ids">{t("satusehat.ids")}</h2>
        <p className="muted">{t("satusehat.intro")}</p>
        <Form method="post" className="stack">
          <div className="field">
            <label htmlFor="organizationId">{t("satusehat.organizationId")}</label>
            <input
              id="organizationId"
              name="organizationId"
              defaultValue={value("organizationId", settings.organizationId)}
              aria-invalid={result?.errors?.organizationId ? true : undefined}
              aria-describedby="organizationId-hint"
            />
            <p className="muted small" id="organizationId-hint">
              {t("satusehat.organizationHint")}
            </p>
            {error("organizationId")}
          </div>
          <fieldset>
            <legend>{t("satusehat.locations")}</legend>
            {branches.length === 0 ? <p className="muted">{t("satusehat.noBranches")}</p> : null}
            {branches.map((b) => (
              <div className="field" key={b.id}>
                <label htmlFor={`location.${b.id}`}>{t("satusehat.locationOf", { branch: `${b.name} (${b.code})` })}</label>
                <input id={`location.${b.id}`} name={`location.${b.id}`} defaultValue={value(`location.${b.id}`, settings.locationIds[b.id])} aria-invalid={result?.errors?.[`location.${b.id}`] ? true : undefined} />
                {error(`location.${b.id}`)}
              </div>
            ))}
          </fieldset>
          <div>
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("satusehat.save")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
