import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { createBranch, getBranch, listBranches, updateBranch, type BranchError } from "../../core/branches/branches.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { isTimeZone, timeZones, zoneAbbreviation } from "../../core/time/local-time.ts";
import { fields as fieldTypes, z } from "../../core/validation/validation.ts";
import { FieldErrors, FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.branch.manage";
const branchKinds = ["hospital", "store", "office"] as const;

const branchFields = {
  code: z
    .string()
    .trim()
    .toUpperCase()
    .min(2)
    .max(20)
    .regex(/^[A-Z0-9][A-Z0-9-]*$/, "staff:settings.branches.errors.codeFormat"),
  name: fieldTypes.name(),
  kind: z.enum(branchKinds),
  timeZone: z.enum(timeZones),
  address: fieldTypes.optionalText(300),
  city: fieldTypes.optionalText(100),
  phone: fieldTypes.optionalPhone(),
};
const createSchema = z.object({ intent: z.literal("create"), ...branchFields });
const updateSchema = z.object({ intent: z.literal("update"), id: z.string().uuid(), ...branchFields, active: z.boolean().optional() });

const errorKeys: Record<BranchError, string> = {
  codeTaken: "staff:settings.branches.errors.codeTaken",
  notFound: "staff:settings.branches.errors.notFound",
};
const notices = ["created", "updated"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const url = new URL(request.url);
  const editId = url.searchParams.get("edit");
  const [branches, editing] = await Promise.all([listBranches(db), editId ? getBranch(db, editId) : Promise.resolve(null)]);
  const t = fixedT(context.language, "staff");
  const notice = url.searchParams.get("notice");
  return {
    title: withAppName(t("settings.branches.title")),
    tabs: settingsTabPermissions(actor.permissions),
    notice: notices.find((n) => n === notice) ?? null,
    branches: branches.map((b) => ({ ...b, phoneDisplay: formatPhone(b.phone) })),
    editing: editing ? { ...editing, phoneDisplay: formatPhone(editing.phone) } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const formData = await request.formData();
  const intent = formData.get("intent") === "update" ? "update" : "create";
  if (intent === "create") {
    const submission = parseWithZod(formData, { schema: createSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
    const { intent: _, ...input } = submission.value;
    const result = await createBranch(db, actor, { ...input, active: true });
    if (!result.ok) return data({ intent, result: submission.reply({ fieldErrors: { code: [errorKeys[result.error]] } }) }, { status: 400 });
    return redirect("/staff/settings/branches?notice=created");
  }
  const submission = parseWithZod(formData, { schema: updateSchema });
  if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
  const { intent: _, active, ...input } = submission.value;
  const result = await updateBranch(db, actor, { ...input, active: active ?? false });
  if (!result.ok) {
    const reply =
      result.error === "codeTaken"
        ? submission.reply({ fieldErrors: { code: [errorKeys.codeTaken] } })
        : submission.reply({ formErrors: [errorKeys[result.error]] });
    return data({ intent, result: reply }, { status: 400 });
  }
  return redirect("/staff/settings/branches?notice=updated");
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Branch = NonNullable<LoaderData["editing"]>;

export default function BranchesSettings() {
  const { branches, editing, notice, tabs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const createFailed = actionData?.intent === "create";
  const location = useLocation();
  const zoneAbbr = (tz: string) => (isTimeZone(tz) ? zoneAbbreviation(tz) : tz);
  return (
    <>
      <SettingsHeader title={t("settings.branches.title")} permissions={tabs} />
      {notice ? (
        <div className="alert success" role="status">
          {t(`settings.branches.notices.${notice}`)}
        </div>
      ) : null}
      {editing ? (
        <section className="card" aria-labelledby="edit-branch-title">
          <h2 id="edit-branch-title">{t("settings.branches.edit.title", { name: editing.name })}</h2>
          <BranchForm key={editing.id} mode="update" branch={editing} lastResult={actionData?.intent === "update" ? actionData.result : undefined} />
        </section>
      ) : null}
      {/* keyed by location: after a successful add (a redirect) the form starts empty and closed */}
      <details key={location.key} className="card" open={createFailed}>
        <summary>
          <strong>{t("settings.branches.create.title")}</strong>
        </summary>
        <BranchForm mode="create" lastResult={createFailed ? actionData.result : undefined} />
      </details>
      {branches.length === 0 ? (
        <p className="muted">{t("settings.branches.list.empty")}</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">{t("settings.branches.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.branches.fields.code")}</th>
              <th scope="col">{t("settings.branches.fields.name")}</th>
              <th scope="col">{t("settings.branches.fields.city")}</th>
              <th scope="col">{t("settings.branches.fields.timeZone")}</th>
              <th scope="col">{t("settings.branches.fields.phone")}</th>
              <th scope="col">{t("settings.branches.list.staff")}</th>
              <th scope="col">{t("settings.branches.list.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("settings.branches.list.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {branches.map((b) => (
              <tr key={b.id}>
                <td data-label={t("settings.branches.fields.code")}>
                  <strong>{b.code}</strong>
                </td>
                <td data-label={t("settings.branches.fields.name")}>
                  <span>
                    {b.name} <span className="badge">{t(`branchKinds.${b.kind}`)}</span>
                  </span>
                </td>
                <td data-label={t("settings.branches.fields.city")}>{b.city ?? <span className="muted">–</span>}</td>
                <td data-label={t("settings.branches.fields.timeZone")}>
                  <abbr title={t(`settings.branches.timeZones.${zoneAbbr(b.timeZone)}`)}>{zoneAbbr(b.timeZone)}</abbr>
                </td>
                <td data-label={t("settings.branches.fields.phone")}>{b.phoneDisplay || <span className="muted">–</span>}</td>
                <td data-label={t("settings.branches.list.staff")}>{b.staffCount}</td>
                <td data-label={t("settings.branches.list.status")}>
                  <span className={`badge ${b.active ? "ok" : "off"}`}>{b.active ? t("settings.branches.status.active") : t("settings.branches.status.inactive")}</span>
                </td>
                <td data-label={t("settings.branches.list.actions")}>
                  <Link to={`?edit=${b.id}`} aria-label={t("settings.branches.list.editLabel", { name: b.name })}>
                    {t("settings.branches.list.edit")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function BranchForm({ mode, branch, lastResult }: { mode: "create" | "update"; branch?: Branch; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("staff");
  const navigation = useNavigation();
  const schema = mode === "create" ? createSchema : updateSchema;
  // one field set for both forms (update's is the larger); create simply has no "active" box
  const [form, fields] = useForm({
    id: mode === "create" ? "create-branch" : `edit-branch-${branch?.id}`,
    lastResult,
    constraint: getZodConstraint(schema),
    defaultValue: branch
      ? {
          code: branch.code,
          name: branch.name,
          kind: branch.kind,
          timeZone: branch.timeZone,
          address: branch.address ?? "",
          city: branch.city ?? "",
          phone: branch.phoneDisplay,
          active: branch.active,
        }
      : { kind: "hospital", timeZone: "Asia/Jakarta" },
    // the cast only widens the type: the create schema's fields are a subset of update's
    onValidate: ({ formData }) => parseWithZod(formData, { schema: schema as typeof updateSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === mode;
  const activeField = mode === "update" ? fields.active : null;
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormAlert errors={form.errors} />
      <input type="hidden" name="intent" value={mode} />
      {branch ? <input type="hidden" name="id" value={branch.id} /> : null}
      <div className="grid two">
        <TextField field={fields.code} label={t("settings.branches.fields.code")} hint={t("settings.branches.fields.codeHint")} autoComplete="off" />
        <TextField field={fields.name} label={t("settings.branches.fields.name")} autoComplete="off" />
        <SelectField field={fields.kind} label={t("settings.branches.fields.kind")} options={branchKinds.map((k) => ({ value: k, label: t(`branchKinds.${k}`) }))} />
        <SelectField
          field={fields.timeZone}
          label={t("settings.branches.fields.timeZone")}
          options={timeZones.map((zone) => ({ value: zone, label: t(`settings.branches.timeZones.${zoneAbbreviation(zone)}`) }))}
        />
        <TextField field={fields.address} label={t("settings.branches.fields.address")} autoComplete="off" />
        <TextField field={fields.city} label={t("settings.branches.fields.city")} autoComplete="off" />
        <TextField field={fields.phone} label={t("settings.branches.fields.phone")} type="tel" hint={t("settings.branches.fields.phoneHint")} autoComplete="off" />
      </div>
      {activeField ? (
        <div className="field">
          <label className="checkbox" htmlFor={activeField.id}>
            <input {...getInputProps(activeField, { type: "checkbox", ariaAttributes: true })} key={activeField.key} />
            <span>{t("settings.branches.fields.active")}</span>
          </label>
          <p className="hint">{t("settings.branches.fields.activeHint")}</p>
          <FieldErrors id={activeField.errorId} errors={activeField.errors} />
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={submitting}>
          {mode === "create" ? t("settings.branches.create.submit") : t("settings.branches.edit.submit")}
        </button>
        {mode === "update" ? <Link to="/staff/settings/branches">{t("settings.branches.edit.close")}</Link> : null}
      </div>
    </Form>
  );
}
