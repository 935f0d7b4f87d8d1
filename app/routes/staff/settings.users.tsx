import { getCollectionProps, getFormProps, useForm, type FieldMetadata, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRecentAuth, requireStaff } from "../../core/auth/guards.server.ts";
import { startSession } from "../../core/auth/session.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { roleLabel } from "../../core/roles/roles.server.ts";
import {
  createStaffUser,
  getStaffUser,
  listStaffUsers,
  resendPasswordLink,
  setStaffUserActive,
  staffUserOptions,
  updateStaffUserAccess,
  type StaffUserError,
} from "../../core/staff-users/staff-users.server.ts";
import { fields as fieldTypes, z } from "../../core/validation/validation.ts";
import { FieldErrors, FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { SettingsHeader, settingsTabPermissions } from "../../ui/settings-tabs.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.user.manage";
const languageValues = ["id", "en"] as const;
const roleList = z.array(z.string().min(1).max(64)).min(1, "staff:settings.users.errors.noRole").max(20);
const optionalBranch = z.string().uuid().optional();

const createSchema = z.object({
  intent: z.literal("create"),
  name: fieldTypes.name(),
  email: fieldTypes.email(),
  roles: roleList,
  branchId: optionalBranch,
  language: z.enum(languageValues),
});
const updateSchema = z.object({
  intent: z.literal("update"),
  userId: z.string().uuid(),
  roles: roleList,
  branchId: optionalBranch,
});
const userOnlySchema = z.object({
  intent: z.enum(["deactivate", "reactivate", "resend"]),
  userId: z.string().uuid(),
});

type Intent = "create" | "update" | "status";
const notices = ["created", "updated", "deactivated", "reactivated", "linkSent"] as const;

const errorKeys: Record<StaffUserError, string> = {
  emailTaken: "staff:settings.users.errors.emailTaken",
  unknownRole: "staff:settings.users.errors.unknownRole",
  unknownBranch: "staff:settings.users.errors.unknownBranch",
  notFound: "staff:settings.users.errors.notFound",
  selfAdminRemoval: "staff:settings.users.errors.selfAdminRemoval",
  selfDeactivation: "staff:settings.users.errors.selfDeactivation",
  lastAdmin: "staff:settings.users.errors.lastAdmin",
  adminOnly: "staff:settings.users.errors.adminOnly",
};

function reply(intent: Intent, result: SubmissionResult<string[]>, status = 400) {
  return data({ intent, result }, { status });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { db } = context.runtime;
  const url = new URL(request.url);
  const q = url.searchParams.get("q")?.slice(0, 100) ?? "";
  const editId = url.searchParams.get("edit");
  const [page, options, editing] = await Promise.all([
    listStaffUsers(db, { q, after: url.searchParams.get("after") }),
    staffUserOptions(db),
    editId ? getStaffUser(db, editId) : Promise.resolve(null),
  ]);
  const t = fixedT(context.language, "staff");
  return {
    title: withAppName(t("settings.users.title")),
    tabs: settingsTabPermissions(actor.permissions),
    me: actor.userId,
    q,
    next: page.next,
    paged: Boolean(url.searchParams.get("after")),
    users: page.users,
    editing,
    notice: url.searchParams.get("notice"),
    roles: options.roles.map((r) => ({ id: r.id, label: roleLabel(context.language, r) })),
    branches: options.branches.map((b) => ({ id: b.id, label: `${b.code} · ${b.name}`, active: b.active })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const { runtime } = context;
  const formData = await request.formData();
  const intent = formData.get("intent");
  // creating a user or changing one's roles is a privilege change: the admin proves it is them (issue 12)
  if (intent === "create" || intent === "update") requireRecentAuth(context, request);

  if (intent === "create") {
    const submission = parseWithZod(formData, { schema: createSchema });
    if (submission.status !== "success") return reply("create", submission.reply());
    const { name, email, roles, branchId, language } = submission.value;
    const result = await createStaffUser(runtime, actor, { name, email, roles, branchId: branchId ?? null, language });
    if (!result.ok) {
      return result.error === "emailTaken"
        ? reply("create", submission.reply({ fieldErrors: { email: [errorKeys.emailTaken] } }))
        : reply("create", submission.reply({ formErrors: [errorKeys[result.error]] }));
    }
    return redirect(`/staff/settings/users?notice=created`);
  }

  if (intent === "update") {
    const submission = parseWithZod(formData, { schema: updateSchema });
    if (submission.status !== "success") return reply("update", submission.reply());
    const { userId, roles, branchId } = submission.value;
    const result = await updateStaffUserAccess(runtime, actor, { userId, roles, branchId: branchId ?? null });
    if (!result.ok) return reply("update", submission.reply({ formErrors: [errorKeys[result.error]] }));
    // the actor's own sessions were ended with the rest: carry on in a fresh one
    const headers = result.self && result.rolesChanged ? { "Set-Cookie": await startSession(runtime, actor.userId, request) } : undefined;
    return redirect(`/staff/settings/users?notice=updated`, { headers });
  }

  const submission = parseWithZod(formData, { schema: userOnlySchema });
  if (submission.status !== "success") return reply("status", submission.reply());
  const { userId } = submission.value;
  if (submission.value.intent === "resend") {
    const result = await resendPasswordLink(runtime, actor, { userId, language: context.language });
    if (!result.ok) return reply("status", submission.reply({ formErrors: [errorKeys[result.error]] }));
    return redirect(`/staff/settings/users?edit=${userId}&notice=linkSent`);
  }
  const active = submission.value.intent === "reactivate";
  const result = await setStaffUserActive(runtime, actor, { userId, active });
  if (!result.ok) return reply("status", submission.reply({ formErrors: [errorKeys[result.error]] }));
  return redirect(`/staff/settings/users?edit=${userId}&notice=${active ? "reactivated" : "deactivated"}`);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type ActionData = ReturnType<typeof useActionData<typeof action>>;

export default function StaffUsersSettings() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const { users, editing, notice, tabs, q, next, paged } = loaderData;
  const roleNames = new Map(loaderData.roles.map((r) => [r.id, r.label]));
  const createFailed = actionData?.intent === "create";
  const location = useLocation();
  return (
    <>
      <SettingsHeader title={t("settings.users.title")} permissions={tabs} />
      {notice && (notices as readonly string[]).includes(notice) ? (
        <div className="alert success" role="status">
          {t(`settings.users.notices.${notice}`)}
        </div>
      ) : null}
      {editing ? <EditUser key={editing.id} user={editing} data={loaderData} actionData={actionData} /> : null}
      {/* keyed by location: after a successful add (a redirect) the form starts empty and closed */}
      <details key={location.key} className="card" open={createFailed}>
        <summary>
          <strong>{t("settings.users.create.title")}</strong>
        </summary>
        <CreateUser data={loaderData} lastResult={createFailed ? actionData.result : undefined} />
      </details>
      <Form method="get" className="toolbar" role="search">
        <div className="field">
          <label htmlFor="user-search">{t("settings.users.search.label")}</label>
          <input id="user-search" type="search" name="q" defaultValue={q} placeholder={t("settings.users.search.placeholder")} />
        </div>
        <button type="submit" className="secondary">
          {t("settings.users.search.submit")}
        </button>
      </Form>
      {users.length === 0 ? (
        <p className="muted">{q ? t("settings.users.list.noMatch") : t("settings.users.list.empty")}</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">{t("settings.users.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.users.list.name")}</th>
              <th scope="col">{t("settings.users.list.roles")}</th>
              <th scope="col">{t("settings.users.list.branch")}</th>
              <th scope="col">{t("settings.users.list.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("settings.users.list.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td data-label={t("settings.users.list.name")}>
                  <span>
                    <strong>{u.name}</strong>
                    {u.id === loaderData.me ? <span className="muted"> {t("settings.users.list.you")}</span> : null}
                    <br />
                    <span className="muted">{u.email}</span>
                  </span>
                </td>
                <td data-label={t("settings.users.list.roles")}>
                  <span className="actions">
                    {u.roles.length ? (
                      u.roles.map((r) => (
                        <span key={r} className="badge">
                          {roleNames.get(r) ?? r}
                        </span>
                      ))
                    ) : (
                      <span className="muted">{t("settings.users.list.noRoles")}</span>
                    )}
                  </span>
                </td>
                <td data-label={t("settings.users.list.branch")}>{u.branchCode ? `${u.branchCode} · ${u.branchName}` : <span className="muted">{t("settings.users.list.noBranch")}</span>}</td>
                <td data-label={t("settings.users.list.status")}>
                  <StatusBadge active={u.active} hasPassword={u.hasPassword} />
                </td>
                <td data-label={t("settings.users.list.actions")}>
                  <Link to={`?${new URLSearchParams({ ...(q ? { q } : {}), edit: u.id })}`} aria-label={t("settings.users.list.editLabel", { name: u.name })}>
                    {t("settings.users.list.edit")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next || paged ? (
        <nav className="pager" aria-label={t("settings.users.list.pages")}>
          {paged ? <Link to={q ? `?q=${encodeURIComponent(q)}` : "?"}>{t("pager.first", { ns: "common" })}</Link> : <span />}
          {next ? <Link to={`?${new URLSearchParams({ ...(q ? { q } : {}), after: next })}`}>{t("pager.next", { ns: "common" })}</Link> : null}
        </nav>
      ) : null}
    </>
  );
}

function StatusBadge({ active, hasPassword }: { active: boolean; hasPassword: boolean }) {
  const { t } = useTranslation("staff");
  if (!active) return <span className="badge off">{t("settings.users.status.inactive")}</span>;
  if (!hasPassword) return <span className="badge warn">{t("settings.users.status.invited")}</span>;
  return <span className="badge ok">{t("settings.users.status.active")}</span>;
}

function RoleCheckboxes({
  field,
  roles,
  legend,
}: {
  field: FieldMetadata<string[] | undefined>;
  roles: { id: string; label: string }[];
  legend: string;
}) {
  const labels = new Map(roles.map((r) => [r.id, r.label]));
  return (
    <fieldset aria-describedby={field.errors?.length ? field.errorId : undefined}>
      <legend>{legend}</legend>
      <div className="actions">
        {getCollectionProps(field, { type: "checkbox", options: roles.map((r) => r.id) }).map((props) => (
          <label key={props.key} className="checkbox" htmlFor={props.id}>
            <input {...props} key={props.key} />
            <span>{labels.get(props.value)}</span>
          </label>
        ))}
      </div>
      {/* inside .field so the message gets the error style */}
      <div className="field">
        <FieldErrors id={field.errorId} errors={field.errors} />
      </div>
    </fieldset>
  );
}

function CreateUser({ data: loaderData, lastResult }: { data: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("staff");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "create-user",
    lastResult,
    constraint: getZodConstraint(createSchema),
    defaultValue: { language: "id", roles: ["agent"] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <p className="muted">{t("settings.users.create.hint")}</p>
      <FormAlert errors={form.errors} />
      <input type="hidden" name="intent" value="create" />
      <div className="grid two">
        <TextField field={fields.name} label={t("settings.users.fields.name")} autoComplete="off" />
        <TextField field={fields.email} label={t("settings.users.fields.email")} type="email" autoComplete="off" />
        <SelectField
          field={fields.branchId}
          label={t("settings.users.fields.branch")}
          options={[{ value: "", label: t("settings.users.fields.noBranch") }, ...loaderData.branches.filter((b) => b.active).map((b) => ({ value: b.id, label: b.label }))]}
        />
        <SelectField
          field={fields.language}
          label={t("settings.users.fields.language")}
          hint={t("settings.users.fields.languageHint")}
          options={languageValues.map((l) => ({ value: l, label: t(`language.${l}`, { ns: "common" }) }))}
        />
      </div>
      <RoleCheckboxes field={fields.roles} roles={loaderData.roles} legend={t("settings.users.fields.roles")} />
      <button type="submit" className="primary" disabled={submitting}>
        {t("settings.users.create.submit")}
      </button>
    </Form>
  );
}

function EditUser({ user, data: loaderData, actionData }: { user: NonNullable<LoaderData["editing"]>; data: LoaderData; actionData: ActionData }) {
  const { t } = useTranslation("staff");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `edit-user-${user.id}`,
    lastResult: actionData?.intent === "update" ? actionData.result : undefined,
    constraint: getZodConstraint(updateSchema),
    defaultValue: { roles: user.roles, branchId: user.branchId ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: updateSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const statusErrors = actionData?.intent === "status" ? actionData.result.error?.[""] : undefined;
  const busy = navigation.state === "submitting";
  const self = user.id === loaderData.me;
  const canResend = !user.hasPassword && user.active;
  // an inactive branch stays selectable for someone already based there
  const branchOptions = loaderData.branches.filter((b) => b.active || b.id === user.branchId);
  return (
    <section className="card" aria-labelledby="edit-user-title">
      <h2 id="edit-user-title">{t("settings.users.edit.title", { name: user.name })}</h2>
      <p className="muted">
        {user.email} · <StatusBadge active={user.active} hasPassword={user.hasPassword} />
      </p>
      <FormAlert errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="update" />
        <input type="hidden" name="userId" value={user.id} />
        <RoleCheckboxes field={fields.roles} roles={loaderData.roles} legend={t("settings.users.fields.roles")} />
        <SelectField
          field={fields.branchId}
          label={t("settings.users.fields.branch")}
          options={[{ value: "", label: t("settings.users.fields.noBranch") }, ...branchOptions.map((b) => ({ value: b.id, label: b.label }))]}
        />
        <p className="hint muted">{t("settings.users.edit.sessionHint")}</p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("settings.users.edit.submit")}
          </button>
          <Link to="/staff/settings/users">{t("settings.users.edit.close")}</Link>
        </div>
      </Form>
      {canResend || !self ? (
        <>
          <hr />
          <FormAlert errors={statusErrors ?? undefined} />
          <div className="actions">
            {canResend ? (
              <Form method="post">
                <input type="hidden" name="userId" value={user.id} />
                <button type="submit" name="intent" value="resend" className="secondary" disabled={busy}>
                  {t("settings.users.edit.resend")}
                </button>
              </Form>
            ) : null}
            {self ? null : (
              <Form method="post">
                <input type="hidden" name="userId" value={user.id} />
                {user.active ? (
                  <button type="submit" name="intent" value="deactivate" className="danger" disabled={busy}>
                    {t("settings.users.edit.deactivate")}
                  </button>
                ) : (
                  <button type="submit" name="intent" value="reactivate" className="secondary" disabled={busy}>
                    {t("settings.users.edit.reactivate")}
                  </button>
                )}
              </Form>
            )}
          </div>
          {user.active && !self ? <p className="hint muted">{t("settings.users.edit.deactivateHint")}</p> : null}
        </>
      ) : (
        <FormAlert errors={statusErrors ?? undefined} />
      )}
    </section>
  );
}
