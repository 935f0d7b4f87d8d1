import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { contactFormOptions } from "../../core/contacts/contact-editing.server.ts";
import { contactSearchSchema, contactStages } from "../../core/contacts/contact-forms.ts";
import { searchContacts } from "../../core/contacts/contact-search.server.ts";
import { contactsVisibleTo } from "../../core/contacts/hospital-relationship.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.read");
  const url = new URL(request.url);
  const input = contactSearchSchema.parse(Object.fromEntries(url.searchParams));
  const { db } = context.runtime;
  const visible = await contactsVisibleTo(context.runtime, actor);
  const [result, options] = await Promise.all([searchContacts(db, actor, input, { visible }), contactFormOptions(db)]);
  return {
    title: pageTitle(context.language, "staff:contacts.title"),
    ...result,
    options,
    searching: Boolean(input.q),
    canManage: hasPermission(context.auth, "core.contact.manage"),
    canExport: hasPermission(context.auth, "core.contact.export"),
    canImport: hasPermission(context.auth, "core.contact.import"),
    canMerge: hasPermission(context.auth, "core.contact.merge"),
    language: context.language,
  };
}

const filterKeys = ["q", "stage", "tag", "branchId", "ownerId", "blacklisted"] as const;

export default function Contacts() {
  const { contacts, next, options, searching, canManage, canExport, canImport, canMerge, language } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const filterParams = new URLSearchParams([...params].filter(([k, v]) => (filterKeys as readonly string[]).includes(k) && v));
  const nextParams = new URLSearchParams(filterParams);
  if (next) nextParams.set("after", next);
  const filtered = filterParams.toString() !== "";
  return (
    <>
      <PageHeader title={t("contacts.title")}>
        {canMerge ? (
          <Link className="button secondary" to="/staff/contacts/duplicates">
            {t("contacts.duplicates")}
          </Link>
        ) : null}
        {canImport ? (
          <Link className="button secondary" to="/staff/contacts/import">
            {t("contacts.importCsv")}
          </Link>
        ) : null}
        {canExport ? (
          <a className="button secondary" href={`/staff/contacts/export${filtered ? `?${filterParams}` : ""}`} download title={t("contacts.exportHint")}>
            {t("contacts.exportCsv")}
          </a>
        ) : null}
        {canManage ? (
          <Link className="button" to="/staff/contacts/new">
            {t("contacts.new")}
          </Link>
        ) : null}
      </PageHeader>
      <Form method="get" className="toolbar filters" role="search">
        <div className="field wide-field">
          <label htmlFor="q">{t("contacts.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("contacts.searchPlaceholder")} />
        </div>
        <div className="field">
          <label htmlFor="stage">{t("contacts.stage")}</label>
          <select id="stage" name="stage" defaultValue={params.get("stage") ?? ""}>
            <option value="">{t("contacts.allStages")}</option>
            {contactStages.map((s) => (
              <option key={s} value={s}>
                {t(`contacts.stages.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tag">{t("contacts.filters.tag")}</label>
          <input id="tag" name="tag" defaultValue={params.get("tag") ?? ""} placeholder={t("contacts.filters.tagPlaceholder")} />
        </div>
        <div className="field">
          <label htmlFor="branchId">{t("contacts.filters.branch")}</label>
          <select id="branchId" name="branchId" defaultValue={params.get("branchId") ?? ""}>
            <option value="">{t("contacts.filters.allBranches")}</option>
            {options.branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ownerId">{t("contacts.filters.owner")}</label>
          <select id="ownerId" name="ownerId" defaultValue={params.get("ownerId") ?? ""}>
            <option value="">{t("contacts.filters.allOwners")}</option>
            {options.owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="blacklisted">{t("contacts.filters.blacklisted")}</label>
          <select id="blacklisted" name="blacklisted" defaultValue={params.get("blacklisted") ?? ""}>
            <option value="">{t("contacts.filters.any")}</option>
            <option value="yes">{t("contacts.filters.onlyBlacklisted")}</option>
            <option value="no">{t("contacts.filters.notBlacklisted")}</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t("common:actions.search")}
          </button>
          {filtered ? (
            <Link to="/staff/contacts" className="link-button">
              {t("contacts.filters.reset")}
            </Link>
          ) : null}
        </div>
      </Form>
      {searching && contacts.length > 0 ? <p className="muted">{t("contacts.resultsRelevance")}</p> : null}
      {contacts.length === 0 ? (
        <p className="card muted">{t("contacts.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("contacts.columns.name")}</th>
              <th>{t("contacts.columns.phone")}</th>
              <th>{t("contacts.columns.email")}</th>
              <th>{t("contacts.columns.stage")}</th>
              <th className="hide-phone">{t("contacts.columns.owner")}</th>
              <th>{t("contacts.columns.branch")}</th>
              <th className="hide-phone">{t("contacts.columns.since")}</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.id}>
                <td data-label={t("contacts.columns.name")}>
                  <span>
                    <Link to={`/staff/contacts/${c.id}`}>{c.fullName}</Link>{" "}
                    {c.blacklisted ? <span className="badge warn">{t("contacts.blacklisted")}</span> : null}
                  </span>
                </td>
                <td data-label={t("contacts.columns.phone")} className="nowrap">
                  {formatPhone(c.phone) || "—"}
                </td>
                <td data-label={t("contacts.columns.email")}>{c.email ?? "—"}</td>
                <td data-label={t("contacts.columns.stage")} className="nowrap">
                  <span className="badge">{t(`contacts.stages.${c.lifecycleStage}`)}</span>
                </td>
                <td data-label={t("contacts.columns.owner")} className="hide-phone">
                  {c.ownerName ?? "—"}
                </td>
                <td data-label={t("contacts.columns.branch")}>{c.branchName ?? "—"}</td>
                <td data-label={t("contacts.columns.since")} className="hide-phone">
                  {formatDate(c.createdAt, language)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("contacts.pagination")}>
        {params.get("after") ? <Link to={`?${filterParams}`}>{t("common:pager.first")}</Link> : <span />}
        {next ? <Link to={`?${nextParams}`}>{t("common:pager.next")}</Link> : null}
      </nav>
    </>
  );
}
