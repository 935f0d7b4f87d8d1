import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { choicesFromForm, mergeFields, mergeFormSchema, type MergeField } from "../../core/contacts/contact-merge.ts";
import { mergeCandidates, mergeContacts } from "../../core/contacts/contact-merge.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { FormAlert } from "../../ui/form-field.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

const PERMISSION = "core.contact.merge";
const countKeys = ["interactions", "tasks", "tickets", "surveys", "messages", "identifiers", "consents", "users"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const url = new URL(request.url);
  const keepId = url.searchParams.get("keep") ?? "";
  const mergeId = url.searchParams.get("merge") ?? "";
  const t = fixedT(context.language, "staff");
  const title = withAppName(t("duplicates.merge.title"));
  const result = await mergeCandidates(context.runtime.db, actor, { keepId, mergeId });
  if (!result.ok) return data({ title, error: result.error, pair: null, language: context.language }, { status: result.error === "notFound" ? 404 : 409 });
  const display = (c: typeof result.keep) => {
    const shown: Record<MergeField, string | null> = {
      fullName: c.fullName,
      email: c.email,
      phone: c.phone ? formatPhone(c.phone) : null,
      birthDate: c.birthDate ? formatDate(c.birthDate, context.language) : null,
      gender: c.gender ? t(`duplicates.merge.genders.${c.gender}`) : null,
      address: c.address,
      city: c.city,
      preferredLocale: t(`duplicates.merge.locales.${c.preferredLocale}`),
      preferredChannel: t(`duplicates.merge.channels.${c.preferredChannel}`),
      lifecycleStage: t(`contacts.stages.${c.lifecycleStage}`),
      branchId: c.branchName,
      ownerId: c.ownerName,
    };
    return {
      id: c.id,
      fullName: c.fullName,
      shown,
      raw: Object.fromEntries(mergeFields.map((f) => [f, c[f] === null ? null : String(c[f])])) as Record<MergeField, string | null>,
      tags: c.tags,
      blacklisted: c.blacklisted,
      blacklistReason: c.blacklistReason,
      identifiers: c.identifiers.map((i) => ({ system: i.system, value: i.value })),
      counts: c.counts,
      createdAt: formatDate(c.createdAt, context.language),
    };
  };
  return { title, error: null, pair: { keep: display(result.keep), merge: display(result.merge) }, language: context.language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, PERMISSION);
  const submission = parseWithZod(await request.formData(), { schema: mergeFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const { keep, merge } = submission.value;
  const result = await mergeContacts(context.runtime.db, context.runtime.bus, actor, {
    keepId: keep,
    mergeId: merge,
    choices: choicesFromForm(submission.value),
  });
  if (!result.ok) {
    return data(submission.reply({ formErrors: [`staff:duplicates.merge.errors.${result.error}`] }), { status: result.error === "notFound" ? 404 : 409 });
  }
  return redirect(`/staff/contacts/duplicates?merged=${encodeURIComponent(keep)}`);
}

export default function MergeContacts() {
  const { pair, error } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("staff");
  const back = (
    <p>
      <Link to="/staff/contacts/duplicates">← {t("duplicates.title")}</Link>
    </p>
  );
  if (!pair) {
    return (
      <>
        {back}
        <PageHeader title={t("duplicates.merge.title")} />
        <div className="alert error" role="alert">
          {t(`duplicates.merge.errors.${error}`)}
        </div>
      </>
    );
  }
  const { keep, merge } = pair;
  const formErrors = lastResult?.error?.[""] ?? undefined;
  return (
    <>
      {back}
      <PageHeader title={t("duplicates.merge.title")}>
        <Link to={`/staff/contacts/merge?keep=${merge.id}&merge=${keep.id}`}>{t("duplicates.merge.swap")}</Link>
      </PageHeader>
      <p className="muted">{t("duplicates.merge.intro", { keep: keep.fullName, merge: merge.fullName })}</p>
      <FormAlert errors={formErrors} />
      <Form method="post" className="stack">
        <input type="hidden" name="keep" value={keep.id} />
        <input type="hidden" name="merge" value={merge.id} />
        <section className="card" aria-labelledby="fields-title">
          <h2 id="fields-title">{t("duplicates.merge.fieldsTitle")}</h2>
          <table className="data merge-table">
            <thead>
              <tr>
                <th>{t("duplicates.merge.field")}</th>
                <th>{t("duplicates.merge.kept", { date: keep.createdAt })}</th>
                <th>{t("duplicates.merge.merged", { date: merge.createdAt })}</th>
              </tr>
            </thead>
            <tbody>
              {mergeFields.map((field) => {
                const a = keep.shown[field];
                const b = merge.shown[field];
                const same = keep.raw[field] === merge.raw[field];
                const name = `choose_${field}`;
                const label = t(`duplicates.merge.fields.${field}`);
                if (same || b === null) {
                  return (
                    <tr key={field}>
                      <th scope="row">{label}</th>
                      <td data-label={t("duplicates.merge.keptShort")}>{a ?? "—"}</td>
                      <td data-label={t("duplicates.merge.mergedShort")} className="muted">
                        {same && a !== null ? t("duplicates.merge.same") : "—"}
                      </td>
                    </tr>
                  );
                }
                const defaultSide = a === null ? "merge" : "keep";
                return (
                  <tr key={field}>
                    <th scope="row">{label}</th>
                    {(["keep", "merge"] as const).map((side) => (
                      <td key={side} data-label={t(side === "keep" ? "duplicates.merge.keptShort" : "duplicates.merge.mergedShort")}>
                        <label className="choice">
                          <input type="radio" name={name} value={side} defaultChecked={defaultSide === side} />
                          <span>{(side === "keep" ? a : b) ?? t("duplicates.merge.empty")}</span>
                        </label>
                      </td>
                    ))}
                  </tr>
                );
              })}
              <tr>
                <th scope="row">{t("duplicates.merge.fields.tags")}</th>
                <td colSpan={2} data-label={t("duplicates.merge.fields.tags")}>
                  {[...new Set([...keep.tags, ...merge.tags])].join(", ") || "—"} <span className="muted small">{t("duplicates.merge.tagsJoined")}</span>
                </td>
              </tr>
            </tbody>
          </table>
          {keep.blacklisted || merge.blacklisted ? (
            <div className="alert warn" role="status">
              {t("duplicates.merge.blacklistKept", { reason: (keep.blacklisted ? keep.blacklistReason : merge.blacklistReason) ?? "—" })}
            </div>
          ) : null}
        </section>

        <div className="grid two">
          {[keep, merge].map((c, i) => (
            <section className="card" key={c.id} aria-labelledby={`side-${i}`}>
              <h2 id={`side-${i}`}>{t(i === 0 ? "duplicates.merge.keptRecord" : "duplicates.merge.mergedRecord", { name: c.fullName })}</h2>
              <h3 className="small-heading">{t("duplicates.merge.identifiers")}</h3>
              {c.identifiers.length ? (
                <ul>
                  {c.identifiers.map((id) => (
                    <li key={`${id.system}:${id.value}`}>
                      {t(`duplicates.merge.systems.${id.system}`)}: {id.value}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">—</p>
              )}
              <h3 className="small-heading">{t("duplicates.merge.touchpoints")}</h3>
              <dl className="details">
                {countKeys.map((k) => (
                  <div key={k}>
                    <dt>{t(`duplicates.merge.counts.${k}`)}</dt>
                    <dd>{c.counts[k]}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>

        <section className="card">
          <p>{t("duplicates.merge.confirmText", { keep: keep.fullName, merge: merge.fullName })}</p>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("duplicates.merge.submit")}
          </button>
        </section>
      </Form>
    </>
  );
}
