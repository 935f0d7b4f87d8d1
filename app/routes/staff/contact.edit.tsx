// Create a contact (/staff/contacts/new) or edit one (/staff/contacts/:contactId/edit): profile,
// identifiers and blacklist. One module, two routes, like the three sign-in pages.
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import {
  addIdentifier,
  contactFormOptions,
  createContact,
  getContactForEdit,
  removeIdentifier,
  setBlacklisted,
  updateContact,
  type ContactEditError,
  type IdentifierConflict,
} from "../../core/contacts/contact-editing.server.ts";
import {
  addIdentifierSchema,
  blacklistSchema,
  contactGenders,
  contactIdentifierSystems,
  contactLocales,
  contactPreferredChannels,
  contactProfileSchema,
  contactStages,
  removeIdentifierSchema,
  unblacklistSchema,
} from "../../core/contacts/contact-forms.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.title) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.manage");
  const { db } = context.runtime;
  const t = fixedT(context.language, "staff");
  const options = await contactFormOptions(db);
  if (!params.contactId) return { contact: null, options, defaultBranchId: actor.branchId, title: t("contacts.form.createTitle") };
  const contact = await getContactForEdit(db, actor, params.contactId);
  if (!contact) notFound();
  if (contact.mergedIntoId) throw redirect(`/staff/contacts/${contact.mergedIntoId}`);
  return { contact, options, defaultBranchId: contact.branchId, title: t("contacts.form.editTitle", { name: contact.fullName }) };
}

type Intent = "save" | "add-identifier" | "remove-identifier" | "blacklist" | "unblacklist";
type ActionReply = { intent: Intent; result: SubmissionResult<string[]>; notice?: string; conflict?: IdentifierConflict | null };

const editErrorField: Record<ContactEditError, string> = {
  notFound: "",
  merged: "",
  unknownOwner: "ownerId",
  unknownBranch: "branchId",
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.manage");
  const { runtime } = context;
  const contactId = params.contactId;
  const formData = await request.formData();
  const intent = formData.get("intent");
  const reply = (body: ActionReply, status = 200) => data(body, { status });

  if (intent === "save") {
    const submission = parseWithZod(formData, { schema: contactProfileSchema });
    if (submission.status !== "success") return reply({ intent, result: submission.reply() }, 400);
    const result = contactId
      ? await updateContact(runtime, actor, contactId, submission.value)
      : await createContact(runtime, actor, submission.value);
    if (!result.ok) {
      if (result.error === "notFound") notFound();
      const field = editErrorField[result.error];
      const message = `staff:contacts.errors.${result.error}`;
      return reply({ intent, result: submission.reply(field ? { fieldErrors: { [field]: [message] } } : { formErrors: [message] }) }, 400);
    }
    const id = "id" in result ? result.id : contactId!;
    return redirect(`/staff/contacts/${id}?notice=${contactId ? "saved" : "created"}`);
  }

  if (!contactId) return reply({ intent: "save", result: { status: "error", error: { "": ["validation.invalid"] } } }, 400);

  if (intent === "add-identifier") {
    const submission = parseWithZod(formData, { schema: addIdentifierSchema });
    if (submission.status !== "success") return reply({ intent, result: submission.reply() }, 400);
    const result = await addIdentifier(runtime.db, actor, contactId, submission.value);
    if (!result.ok) {
      if (result.error === "notFound") notFound();
      return reply({ intent, result: submission.reply({ fieldErrors: { value: ["staff:contacts.errors.identifierTaken"] } }), conflict: result.conflict }, 409);
    }
    return reply({ intent, result: submission.reply({ resetForm: true }), notice: "contacts.identifiers.added" });
  }

  if (intent === "remove-identifier") {
    const submission = parseWithZod(formData, { schema: removeIdentifierSchema });
    if (submission.status !== "success") return reply({ intent, result: submission.reply() }, 400);
    const result = await removeIdentifier(runtime.db, actor, contactId, submission.value.identifierId);
    if (!result.ok) notFound();
    return reply({ intent, result: submission.reply(), notice: "contacts.identifiers.removed" });
  }

  if (intent === "blacklist" || intent === "unblacklist") {
    const submission = parseWithZod(formData, { schema: intent === "blacklist" ? blacklistSchema : unblacklistSchema });
    if (submission.status !== "success") return reply({ intent, result: submission.reply() }, 400);
    const value = submission.value;
    const result = await setBlacklisted(runtime, actor, contactId, "reason" in value ? { blacklisted: true, reason: value.reason } : { blacklisted: false });
    if (!result.ok) notFound();
    return reply({ intent, result: submission.reply({ resetForm: true }), notice: intent === "blacklist" ? "contacts.blacklist.added" : "contacts.blacklist.removed" });
  }

  return reply({ intent: "save", result: { status: "error", error: { "": ["validation.invalid"] } } }, 400);
}

export default function ContactEdit() {
  const { contact, options, defaultBranchId, title } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const busy = navigation.state === "submitting";
  const lastOf = (intent: Intent) => (actionData?.intent === intent ? actionData.result : undefined);

  const [form, fields] = useForm({
    id: "contact-profile",
    lastResult: lastOf("save"),
    constraint: getZodConstraint(contactProfileSchema),
    defaultValue: {
      fullName: contact?.fullName ?? "",
      phone: formatPhone(contact?.phone),
      email: contact?.email ?? "",
      birthDate: contact?.birthDate ?? "",
      gender: contact?.gender ?? "",
      address: contact?.address ?? "",
      city: contact?.city ?? "",
      preferredLocale: contact?.preferredLocale ?? "id",
      preferredChannel: contact?.preferredChannel ?? "whatsapp",
      lifecycleStage: contact?.lifecycleStage ?? "lead",
      ownerId: contact?.ownerId ?? "",
      branchId: defaultBranchId ?? "",
      tags: contact?.tags.join(", ") ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: contactProfileSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const [idForm, idFields] = useForm({
    id: "add-identifier",
    lastResult: lastOf("add-identifier"),
    defaultValue: { system: "nik" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addIdentifierSchema }),
    shouldValidate: "onSubmit",
  });
  const [blForm, blFields] = useForm({
    id: "blacklist",
    lastResult: lastOf("blacklist"),
    constraint: getZodConstraint(blacklistSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: blacklistSchema }),
    shouldValidate: "onBlur",
  });
  const back = contact ? `/staff/contacts/${contact.id}` : "/staff/contacts";
  const notice = actionData && "notice" in actionData && actionData.notice ? actionData.notice : null;

  return (
    <>
      <p>
        <Link to={back}>← {contact ? t("contacts.form.back") : t("contact360.back")}</Link>
      </p>
      <PageHeader title={title} />
      {notice ? (
        <div className="alert success" role="status">
          {t(notice)}
        </div>
      ) : null}

      <section className="card">
        <FormAlert errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="save" />
          <fieldset>
            <legend>{t("contacts.form.profile")}</legend>
            <div className="grid two">
              <TextField field={fields.fullName} label={t("contacts.form.fullName")} autoComplete="off" />
              <TextField field={fields.phone} label={t("contacts.form.phone")} type="tel" hint={t("contacts.form.phoneHint")} autoComplete="off" />
              <TextField field={fields.email} label={t("contacts.form.email")} type="email" autoComplete="off" />
              <TextField field={fields.birthDate} label={t("contacts.form.birthDate")} type="date" />
              <SelectField
                field={fields.gender}
                label={t("contacts.form.gender")}
                options={[{ value: "", label: t("contacts.form.genderUnset") }, ...contactGenders.map((g) => ({ value: g, label: t(`contacts.genders.${g}`) }))]}
              />
              <TextField field={fields.city} label={t("contacts.form.city")} />
            </div>
            <TextField field={fields.address} label={t("contacts.form.address")} />
          </fieldset>
          <fieldset>
            <legend>{t("contacts.form.preferences")}</legend>
            <div className="grid two">
              <SelectField
                field={fields.preferredChannel}
                label={t("contacts.form.preferredChannel")}
                options={contactPreferredChannels.map((c) => ({ value: c, label: t(`contacts.channels.${c}`) }))}
              />
              <SelectField
                field={fields.preferredLocale}
                label={t("contacts.form.preferredLocale")}
                options={contactLocales.map((l) => ({ value: l, label: t(`contacts.locales.${l}`) }))}
              />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("contacts.form.ownership")}</legend>
            <div className="grid two">
              <SelectField
                field={fields.lifecycleStage}
                label={t("contacts.form.lifecycleStage")}
                options={contactStages.map((s) => ({ value: s, label: t(`contacts.stages.${s}`) }))}
              />
              <SelectField
                field={fields.ownerId}
                label={t("contacts.form.owner")}
                options={[{ value: "", label: t("contacts.form.noOwner") }, ...options.owners.map((o) => ({ value: o.id, label: o.name }))]}
              />
              <SelectField
                field={fields.branchId}
                label={t("contacts.form.branch")}
                options={[{ value: "", label: t("contacts.form.noBranch") }, ...options.branches.map((b) => ({ value: b.id, label: b.name }))]}
              />
              <TextField field={fields.tags} label={t("contacts.form.tags")} hint={t("contacts.form.tagsHint")} />
            </div>
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {contact ? t("contacts.form.submitSave") : t("contacts.form.submitCreate")}
            </button>
            <Link to={back}>{t("contacts.form.cancel")}</Link>
          </div>
        </Form>
      </section>

      {contact ? (
        <div className="grid two">
          <section className="card" aria-labelledby="identifiers-title">
            <h2 id="identifiers-title">{t("contacts.identifiers.title")}</h2>
            <p className="muted">{t("contacts.identifiers.intro")}</p>
            {contact.identifiers.length === 0 ? (
              <p className="muted">{t("contacts.identifiers.empty")}</p>
            ) : (
              <ul className="plain-list">
                {contact.identifiers.map((i) => (
                  <li key={i.id} className="row-between">
                    <span>
                      <span className="muted">{t(`contacts.identifierSystems.${i.system}`)}</span> <span className="mono">{i.value}</span>
                    </span>
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove-identifier" />
                      <input type="hidden" name="identifierId" value={i.id} />
                      <button
                        type="submit"
                        className="link-button"
                        aria-label={t("contacts.identifiers.removeLabel", { system: t(`contacts.identifierSystems.${i.system}`), value: i.value })}
                      >
                        {t("contacts.identifiers.remove")}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            )}
            {actionData?.intent === "add-identifier" && "conflict" in actionData && actionData.conflict ? (
              <div className="alert error" role="alert">
                {t("contacts.errors.identifierTakenBy", {
                  system: t(`contacts.identifierSystems.${actionData.conflict.system}`),
                  value: actionData.conflict.value,
                })}{" "}
                <Link to={`/staff/contacts/${actionData.conflict.contactId}`}>{actionData.conflict.fullName}</Link>
              </div>
            ) : null}
            <Form method="post" className="stack" {...getFormProps(idForm)}>
              <input type="hidden" name="intent" value="add-identifier" />
              <div className="grid two">
                <SelectField
                  field={idFields.system}
                  label={t("contacts.identifiers.system")}
                  options={contactIdentifierSystems.map((s) => ({ value: s, label: t(`contacts.identifierSystems.${s}`) }))}
                />
                <TextField field={idFields.value} label={t("contacts.identifiers.value")} inputProps={{ inputMode: "text", autoComplete: "off" }} />
              </div>
              <button type="submit" className="secondary" disabled={busy}>
                {t("contacts.identifiers.add")}
              </button>
            </Form>
          </section>

          <section className="card" aria-labelledby="blacklist-title">
            <h2 id="blacklist-title">{t("contacts.blacklist.title")}</h2>
            <p className="muted">{t("contacts.blacklist.intro")}</p>
            {contact.blacklisted ? (
              <>
                <div className="alert warn">{t("contacts.blacklist.onList", { reason: contact.blacklistReason ?? "—" })}</div>
                <Form method="post">
                  <input type="hidden" name="intent" value="unblacklist" />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t("contacts.blacklist.remove")}
                  </button>
                </Form>
              </>
            ) : (
              <Form method="post" className="stack" {...getFormProps(blForm)}>
                <input type="hidden" name="intent" value="blacklist" />
                <TextField field={blFields.reason} label={t("contacts.blacklist.reason")} />
                <button type="submit" className="danger" disabled={busy}>
                  {t("contacts.blacklist.add")}
                </button>
              </Form>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}
