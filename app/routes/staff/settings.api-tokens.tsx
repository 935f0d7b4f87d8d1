import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { createApiToken, listApiTokens, revokeApiToken } from "../../core/api-tokens/api-tokens.server.ts";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { fhirProviders } from "../../core/fhir/fhir-api.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { dayInstants, isLocalDate, today } from "../../core/time/local-time.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { fields as fieldTypes, z } from "../../core/validation/validation.ts";
import { FieldErrors, FormAlert, TextField } from "../../ui/form-field.tsx";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.settings.manage";
const allRead = "system/*.read";

const createSchema = z.object({
  intent: z.literal("create"),
  name: fieldTypes.name(),
  scopes: z.array(z.string().regex(/^system\/(\*|[A-Z][A-Za-z]+)\.read$/, "staff:settings.apiTokens.errors.scope")).min(1, "staff:settings.apiTokens.errors.scopeRequired"),
  expiresOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date")
    .refine(isLocalDate, "validation.date")
    .optional(),
});
const revokeSchema = z.object({ intent: z.literal("revoke"), id: z.string().uuid() });

/** The scopes an admin can pick: every resource type, or one of those the API serves now. */
async function scopeChoices(context: LoaderFunctionArgs["context"]) {
  const types = [...(await fhirProviders(context.runtime)).keys()].sort();
  return [allRead, ...types.map((type) => `system/${type}.read`)];
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const t = fixedT(context.language, "staff");
  const [tokens, scopes] = await Promise.all([listApiTokens(db), scopeChoices(context)]);
  const when = (d: Date | null) => (d ? formatDateTime(d, context.language) : null);
  const notice = new URL(request.url).searchParams.get("notice");
  return {
    title: withAppName(t("settings.apiTokens.title")),
    tabs: settingsTabPermissions(actor.permissions),
    scopes,
    notice: notice === "revoked" ? ("revoked" as const) : null,
    tokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      scopes: token.scopes,
      createdBy: token.createdByName,
      createdAt: when(token.createdAt),
      lastUsedAt: when(token.lastUsedAt),
      expiresAt: when(token.expiresAt),
      state: token.revokedAt ? ("revoked" as const) : token.expiresAt && token.expiresAt.getTime() <= Date.now() ? ("expired" as const) : ("active" as const),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const formData = await request.formData();
  if (formData.get("intent") === "revoke") {
    const submission = parseWithZod(formData, { schema: revokeSchema });
    if (submission.status !== "success") return data({ intent: "revoke" as const, result: submission.reply({ formErrors: ["staff:settings.apiTokens.errors.notFound"] }), secret: null }, { status: 400 });
    const result = await revokeApiToken(db, actor, submission.value.id);
    if (!result.ok) return data({ intent: "revoke" as const, result: submission.reply({ formErrors: ["staff:settings.apiTokens.errors.notFound"] }), secret: null }, { status: 404 });
    return redirect("/staff/settings/api-tokens?notice=revoked");
  }
  const submission = parseWithZod(formData, { schema: createSchema });
  if (submission.status !== "success") return data({ intent: "create" as const, result: submission.reply(), secret: null }, { status: 400 });
  const { name, scopes, expiresOn } = submission.value;
  const allowed = new Set(await scopeChoices(context));
  if (scopes.some((s) => !allowed.has(s))) {
    return data({ intent: "create" as const, result: submission.reply({ fieldErrors: { scopes: ["staff:settings.apiTokens.errors.scope"] } }), secret: null }, { status: 400 });
  }
  // a token with "every type" needs no single-type scopes beside it
  const chosen = scopes.includes(allRead) ? [allRead] : scopes;
  // a token is valid through the whole chosen day, in the admin's own zone
  const timeZone = await staffTimeZone(db, actor);
  if (expiresOn && expiresOn < today(timeZone)) {
    return data({ intent: "create" as const, result: submission.reply({ fieldErrors: { expiresOn: ["staff:settings.apiTokens.errors.expiryPast"] } }), secret: null }, { status: 400 });
  }
  const expiresAt = expiresOn ? dayInstants(expiresOn, timeZone).end : null;
  const created = await createApiToken(db, actor, { name, scopes: chosen, expiresAt });
  if (!created.ok) return data({ intent: "create" as const, result: submission.reply({ fieldErrors: { scopes: ["staff:settings.apiTokens.errors.scope"] } }), secret: null }, { status: 400 });
  // the secret is answered once, in this response, and never stored: no redirect, so it is not in a URL
  return data({ intent: "create" as const, result: submission.reply({ resetForm: true }), secret: { name: created.token.name, value: created.secret } });
}

export default function ApiTokensSettings() {
  const { tokens, scopes, notice, tabs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const navigation = useNavigation();
  const location = useLocation();
  const createResult = actionData?.intent === "create" && !actionData.secret ? actionData.result : undefined;
  const [form, fields] = useForm({
    id: "create-api-token",
    lastResult: createResult,
    constraint: getZodConstraint(createSchema),
    defaultValue: { scopes: [allRead] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  const scopeLabel = (scope: string) => (scope === allRead ? t("settings.apiTokens.scopes.all") : t("settings.apiTokens.scopes.one", { type: scope.slice(7, -5) }));
  return (
    <>
      <SettingsHeader title={t("settings.apiTokens.title")} permissions={tabs} />
      <p className="muted">{t("settings.apiTokens.intro")}</p>
      {actionData?.secret ? (
        <div className="alert success" role="status">
          <p>
            <strong>{t("settings.apiTokens.created.title", { name: actionData.secret.name })}</strong>
          </p>
          <p>{t("settings.apiTokens.created.once")}</p>
          <div className="field">
            <label htmlFor="new-token-secret">{t("settings.apiTokens.created.label")}</label>
            <input id="new-token-secret" readOnly value={actionData.secret.value} className="mono" autoComplete="off" spellCheck={false} />
          </div>
        </div>
      ) : null}
      {notice ? (
        <div className="alert success" role="status">
          {t(`settings.apiTokens.notices.${notice}`)}
        </div>
      ) : null}
      {actionData?.intent === "revoke" ? <FormAlert errors={actionData.result.error?.[""] ?? undefined} /> : null}
      <details key={location.key} className="card" open={!!createResult}>
        <summary>
          <strong>{t("settings.apiTokens.create.title")}</strong>
        </summary>
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormAlert errors={form.errors} />
          <input type="hidden" name="intent" value="create" />
          <div className="grid two">
            <TextField field={fields.name} label={t("settings.apiTokens.fields.name")} hint={t("settings.apiTokens.fields.nameHint")} autoComplete="off" />
            <TextField field={fields.expiresOn} label={t("settings.apiTokens.fields.expiresOn")} hint={t("settings.apiTokens.fields.expiresOnHint")} type="date" />
          </div>
          <fieldset className="stack-sm">
            <legend>{t("settings.apiTokens.fields.scopes")}</legend>
            {scopes.map((scope) => (
              <label key={scope} className="checkbox">
                <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === allRead} aria-describedby={fields.scopes.errorId} />
                <span>
                  {scopeLabel(scope)} <code className="muted">{scope}</code>
                </span>
              </label>
            ))}
            <FieldErrors id={fields.scopes.errorId} errors={fields.scopes.errors} />
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" disabled={submitting}>
              {t("settings.apiTokens.create.submit")}
            </button>
          </div>
        </Form>
      </details>
      {tokens.length === 0 ? (
        <p className="muted">{t("settings.apiTokens.list.empty")}</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">{t("settings.apiTokens.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.apiTokens.fields.name")}</th>
              <th scope="col">{t("settings.apiTokens.list.prefix")}</th>
              <th scope="col">{t("settings.apiTokens.fields.scopes")}</th>
              <th scope="col">{t("settings.apiTokens.list.created")}</th>
              <th scope="col">{t("settings.apiTokens.list.lastUsed")}</th>
              <th scope="col">{t("settings.apiTokens.list.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("settings.apiTokens.list.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td data-label={t("settings.apiTokens.fields.name")}>
                  <strong>{token.name}</strong>
                </td>
                <td data-label={t("settings.apiTokens.list.prefix")}>
                  <code>{token.prefix}…</code>
                </td>
                <td data-label={t("settings.apiTokens.fields.scopes")}>
                  {token.scopes.map((s) => (
                    <code key={s}>{s} </code>
                  ))}
                </td>
                <td data-label={t("settings.apiTokens.list.created")}>
                  {token.createdBy ? t("settings.apiTokens.list.createdBy", { date: token.createdAt, name: token.createdBy }) : token.createdAt}
                </td>
                <td data-label={t("settings.apiTokens.list.lastUsed")}>{token.lastUsedAt ?? <span className="muted">{t("settings.apiTokens.list.never")}</span>}</td>
                <td data-label={t("settings.apiTokens.list.status")}>
                  <span className={`badge ${token.state === "active" ? "ok" : "off"}`}>{t(`settings.apiTokens.status.${token.state}`)}</span>
                  {token.expiresAt && token.state === "active" ? <span className="muted"> {t("settings.apiTokens.list.expires", { date: token.expiresAt })}</span> : null}
                </td>
                <td data-label={t("settings.apiTokens.list.actions")}>
                  {token.state === "revoked" ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={token.id} />
                      <button type="submit" className="danger" aria-label={t("settings.apiTokens.list.revokeLabel", { name: token.name })}>
                        {t("settings.apiTokens.list.revoke")}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
