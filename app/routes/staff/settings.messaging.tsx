import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { latestCredentialFailure, recentWhatsAppMessages, saveWhatsAppSettings, whatsappSettingsView } from "../../core/messaging/whatsapp.server.ts";
import { coreMessageTemplates, whatsappSettingsFormSchema } from "../../core/messaging/whatsapp-settings.ts";
import { FieldErrors, FormAlert, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { SettingsTabs, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";
const secretFields = ["accessToken", "appSecret", "verifyToken"] as const;
const clearField = { accessToken: "clearAccessToken", appSecret: "clearAppSecret", verifyToken: "clearVerifyToken" } as const;
const blankRows = 2;

/** `[kind] detail` in last_error -> the kind, translated on the page. */
function errorKind(lastError: string | null) {
  return /^\[([a-z_]+)\]/.exec(lastError ?? "")?.[1] ?? null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db, config } = context.runtime;
  const settings = await whatsappSettingsView(db);
  const [recent, credentialFailure] = await Promise.all([recentWhatsAppMessages(db), latestCredentialFailure(db, settings.updatedAt)]);
  const t = fixedT(context.language, "staff");
  return {
    title: withAppName(t("messaging.title")),
    tabs: settingsTabPermissions(actor.permissions),
    saved: new URL(request.url).searchParams.get("notice") === "saved",
    settings: { ...settings, updatedAt: settings.updatedAt?.toISOString() ?? null },
    webhookUrl: `${config.appOrigin}/api/whatsapp/webhook`,
    credentialFailure: credentialFailure ? { kind: errorKind(credentialFailure.lastError), at: credentialFailure.createdAt.toISOString() } : null,
    recent: recent.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), errorKind: errorKind(m.lastError) })),
    language: context.language,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const submission = parseWithZod(await request.formData(), { schema: whatsappSettingsFormSchema });
  // secrets are never echoed back, not even the ones just typed
  if (submission.status !== "success") return data(submission.reply({ hideFields: [...secretFields] }), { status: 400 });
  await saveWhatsAppSettings(context.runtime.db, actor, submission.value);
  return redirect("/staff/settings/messaging?notice=saved");
}

export default function MessagingSettings() {
  const { settings, tabs, saved, webhookUrl, credentialFailure, recent, language } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(whatsappSettingsFormSchema),
    defaultValue: {
      enabled: settings.enabled ? "on" : undefined,
      baseUrl: settings.baseUrl,
      apiVersion: settings.apiVersion,
      phoneNumberId: settings.phoneNumberId,
      templates: [
        ...settings.templates.map((m) => ({ template: m.template, name: m.name, language: m.language, params: m.params.join(", ") })),
        ...Array.from({ length: blankRows }, () => ({ template: "", name: "", language: "", params: "" })),
      ],
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: whatsappSettingsFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const rows = fields.templates.getFieldList();
  return (
    <>
      <SettingsTabs permissions={tabs} />
      <PageHeader title={t("messaging.title")} />
      <p className="muted">{t("messaging.intro")}</p>
      {saved ? (
        <div className="alert success" role="status">
          {t("messaging.saved")}
        </div>
      ) : null}
      {credentialFailure ? (
        <div className="alert error" role="alert">
          {t(`messaging.errorKinds.${credentialFailure.kind ?? "token_invalid"}`)} {t("messaging.credentialFailure", { at: formatDateTime(credentialFailure.at, language) })}
        </div>
      ) : null}
      <section className="card" aria-labelledby="wa-status">
        <h2 id="wa-status">{t("messaging.status.title")}</h2>
        <p>
          {settings.configured ? <span className="badge ok">{t("messaging.status.ready")}</span> : <span className="badge warn">{t("messaging.status.notReady")}</span>}
        </p>
        <p className="muted">{t("messaging.status.fallback")}</p>
        <dl className="details">
          <div>
            <dt>{t("messaging.status.webhookUrl")}</dt>
            <dd>
              <code className="break-all">{webhookUrl}</code>
            </dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby="wa-settings">
        <h2 id="wa-settings">{t("messaging.form.title")}</h2>
        <FormAlert errors={form.errors} />
        <Form method="post" className="stack" autoComplete="off" {...getFormProps(form)}>
          <div className="checkbox">
            <input {...getInputProps(fields.enabled, { type: "checkbox" })} key={fields.enabled.key} />
            <label htmlFor={fields.enabled.id}>{t("messaging.form.enabled")}</label>
          </div>
          <div className="grid two">
            <TextField field={fields.baseUrl} label={t("messaging.form.baseUrl")} type="url" hint={t("messaging.form.baseUrlHint")} />
            <TextField field={fields.apiVersion} label={t("messaging.form.apiVersion")} hint={t("messaging.form.apiVersionHint")} />
            <TextField field={fields.phoneNumberId} label={t("messaging.form.phoneNumberId")} inputProps={{ inputMode: "numeric" }} />
          </div>
          <fieldset>
            <legend>{t("messaging.form.secrets")}</legend>
            <p className="hint muted">{t("messaging.form.secretsHint")}</p>
            <div className="grid three">
              {secretFields.map((name) => {
                const field = fields[name];
                const clear = fields[clearField[name]];
                const isSet = settings.secrets[name];
                return (
                  <div key={name} className="stack-tight">
                    <TextField
                      field={field}
                      label={t(`messaging.form.${name}`)}
                      type="password"
                      autoComplete="new-password"
                      hint={isSet ? t("messaging.form.secretSet") : t("messaging.form.secretNotSet")}
                      inputProps={{ placeholder: isSet ? "••••••••" : "" }}
                    />
                    {isSet ? (
                      <div className="checkbox">
                        <input {...getInputProps(clear, { type: "checkbox" })} key={clear.key} />
                        <label htmlFor={clear.id}>{t("messaging.form.clear")}</label>
                      </div>
                    ) : null}
                  </div>
                );
              })}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("messaging.templates.title")}</legend>
            <p className="hint muted">{t("messaging.templates.hint", { one: "{{1}}", two: "{{2}}" })}</p>
            <datalist id="message-templates">
              {coreMessageTemplates.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <table className="data">
              <thead>
                <tr>
                  <th>{t("messaging.templates.template")}</th>
                  <th>{t("messaging.templates.name")}</th>
                  <th>{t("messaging.templates.language")}</th>
                  <th>{t("messaging.templates.params")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => {
                  const cells = row.getFieldset();
                  return (
                    <tr key={row.key}>
                      {(["template", "name", "language", "params"] as const).map((cell) => {
                        const field = cells[cell];
                        const label = t(`messaging.templates.${cell}`);
                        const props = getInputProps(field, { type: "text", ariaAttributes: true });
                        return (
                          <td key={cell} data-label={label} className="field">
                            <input
                              {...props}
                              key={props.key}
                              aria-label={t("messaging.templates.cellLabel", { column: label, row: i + 1 })}
                              list={cell === "template" ? "message-templates" : undefined}
                              placeholder={i === settings.templates.length ? t(`messaging.templates.placeholders.${cell}`) : undefined}
                            />
                            <FieldErrors id={field.errorId} errors={field.errors} />
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </fieldset>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("messaging.form.submit")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="wa-recent">
        <h2 id="wa-recent">{t("messaging.recent.title")}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t("messaging.recent.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("messaging.recent.at")}</th>
                <th>{t("messaging.recent.recipient")}</th>
                <th>{t("messaging.recent.template")}</th>
                <th>{t("messaging.recent.status")}</th>
                <th>{t("messaging.recent.error")}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((m) => (
                <tr key={m.id}>
                  <td data-label={t("messaging.recent.at")}>{formatDateTime(m.createdAt, language)}</td>
                  <td data-label={t("messaging.recent.recipient")}>+{m.recipient}</td>
                  <td data-label={t("messaging.recent.template")}>{m.template}</td>
                  <td data-label={t("messaging.recent.status")}>
                    <span className={`badge ${m.status === "failed" ? "danger" : m.status === "queued" ? "warn" : "ok"}`}>{t(`messaging.statuses.${m.status}`)}</span>
                    {m.attempts > 1 ? <span className="muted"> · {t("messaging.recent.attempts", { count: m.attempts })}</span> : null}
                  </td>
                  <td data-label={t("messaging.recent.error")}>
                    {m.lastError ? (
                      <>
                        {m.errorKind ? t(`messaging.errorKinds.${m.errorKind}`) : null} <span className="muted small">{m.lastError}</span>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
