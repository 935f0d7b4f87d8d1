import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { listDuplicatePairs } from "../../core/contacts/contact-duplicates.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";

export const handle = { i18n: ["common", "staff"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Nusa CRM" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.merge");
  const url = new URL(request.url);
  const { pairs, next } = await listDuplicatePairs(context.runtime.db, actor, { after: url.searchParams.get("after") });
  const t = fixedT(context.language, "staff");
  const view = (c: (typeof pairs)[number]["a"]) => ({ ...c, phone: formatPhone(c.phone), createdAt: c.createdAt.toISOString() });
  return {
    title: `${t("duplicates.title")} · Nusa CRM`,
    language: context.language,
    canImport: hasPermission(context.auth, "core.contact.import"),
    merged: /^[0-9a-f-]{36}$/i.test(url.searchParams.get("merged") ?? "") ? url.searchParams.get("merged") : null,
    pairs: pairs.map((p) => {
      // the older record is suggested as the one to keep; the merge screen can swap them
      const [keep, merge] = p.a.createdAt <= p.b.createdAt ? [p.a, p.b] : [p.b, p.a];
      return { keep: view(keep), merge: view(merge), reasons: p.reasons };
    }),
    next,
  };
}

export default function Duplicates() {
  const { pairs, next, language, canImport, merged } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  return (
    <>
      <p>
        <Link to="/staff/contacts">← {t("contacts.title")}</Link>
      </p>
      <PageHeader title={t("duplicates.title")}>{canImport ? <Link to="/staff/contacts/import">{t("import.title")}</Link> : null}</PageHeader>
      {merged ? (
        <div className="alert success" role="status">
          {t("duplicates.merge.done")} <Link to={`/staff/contacts/${merged}`}>{t("duplicates.merge.viewKept")}</Link>
        </div>
      ) : null}
      <p className="muted">{t("duplicates.intro")}</p>
      {pairs.length === 0 ? (
        <p className="card muted">{params.get("after") ? t("duplicates.noMore") : t("duplicates.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("duplicates.columns.first")}</th>
              <th>{t("duplicates.columns.second")}</th>
              <th>{t("duplicates.columns.reasons")}</th>
              <th>
                <span className="visually-hidden">{t("duplicates.columns.action")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((p) => (
              <tr key={`${p.keep.id}-${p.merge.id}`}>
                {[p.keep, p.merge].map((c, i) => (
                  <td key={c.id} data-label={t(i === 0 ? "duplicates.columns.first" : "duplicates.columns.second")}>
                    <span>
                      <Link to={`/staff/contacts/${c.id}`}>
                        <strong>{c.fullName}</strong>
                      </Link>
                      <br />
                      <span className="muted small">
                        {[c.phone, c.email, c.city].filter(Boolean).join(" · ") || "—"}
                        <br />
                        {t("duplicates.since", { date: formatDate(c.createdAt, language) })}
                      </span>
                    </span>
                  </td>
                ))}
                <td data-label={t("duplicates.columns.reasons")}>
                  <span className="actions">
                    {p.reasons.map((r) => (
                      <span key={r} className="badge warn">
                        {t(`duplicates.reasons.${r}`)}
                      </span>
                    ))}
                  </span>
                </td>
                <td data-label={t("duplicates.columns.action")}>
                  <Link className="button secondary" to={`/staff/contacts/merge?keep=${p.keep.id}&merge=${p.merge.id}`}>
                    {t("duplicates.compare")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("duplicates.pages")}>
        {params.get("after") ? <Link to="/staff/contacts/duplicates">{t("pager.first", { ns: "common" })}</Link> : <span />}
        {next ? <Link to={`?after=${next}`}>{t("pager.next", { ns: "common" })}</Link> : null}
      </nav>
    </>
  );
}
