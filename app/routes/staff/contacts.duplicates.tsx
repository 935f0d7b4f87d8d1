import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requireStaff } from "../../core/auth/guards.server.ts";
import { dismissDuplicatePair, listDuplicatePairs } from "../../core/contacts/contact-duplicates.server.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { isUuid } from "../../core/validation/ids.ts";
import { titleMeta, withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["common", "staff"] };

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.merge");
  const url = new URL(request.url);
  const { pairs, next } = await listDuplicatePairs(context.runtime.db, actor, { after: url.searchParams.get("after") });
  const t = fixedT(context.language, "staff");
  const view = (c: (typeof pairs)[number]["a"]) => ({ ...c, phone: formatPhone(c.phone), createdAt: c.createdAt.toISOString() });
  return {
    title: withAppName(t("duplicates.title")),
    language: context.language,
    canImport: hasPermission(context.auth, "core.contact.import"),
    merged: isUuid(url.searchParams.get("merged") ?? "") ? url.searchParams.get("merged") : null,
    dismissed: url.searchParams.get("notice") === "dismissed",
    pairs: pairs.map((p) => {
      // the older record is suggested as the one to keep; the merge screen can swap them
      const [keep, merge] = p.a.createdAt <= p.b.createdAt ? [p.a, p.b] : [p.b, p.a];
      return { keep: view(keep), merge: view(merge), reasons: p.reasons };
    }),
    next,
  };
}

/** "Not the same person": the pair leaves the list for good; the page stays where it was. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.merge");
  const form = await request.formData();
  const result = await dismissDuplicatePair(context.runtime.db, actor, String(form.get("a") ?? ""), String(form.get("b") ?? ""));
  if (!result.ok) return data({ error: `duplicates.errors.${result.error}` }, { status: 400 });
  const after = new URL(request.url).searchParams.get("after");
  return redirect(`/staff/contacts/duplicates?notice=dismissed${after ? `&after=${encodeURIComponent(after)}` : ""}`);
}

export default function Duplicates() {
  const { pairs, next, language, canImport, merged, dismissed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
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
      {dismissed ? (
        <div className="alert success" role="status">
          {t("duplicates.dismiss.done")}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="alert error" role="alert">
          {t(actionData.error)}
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
                  <span className="actions">
                    <Link className="button secondary" to={`/staff/contacts/merge?keep=${p.keep.id}&merge=${p.merge.id}`}>
                      {t("duplicates.compare")}
                    </Link>
                    <Form method="post">
                      <input type="hidden" name="a" value={p.keep.id} />
                      <input type="hidden" name="b" value={p.merge.id} />
                      <button
                        type="submit"
                        className="secondary"
                        disabled={navigation.state === "submitting"}
                        aria-label={t("duplicates.dismiss.label", { first: p.keep.fullName, second: p.merge.fullName })}
                      >
                        {t("duplicates.dismiss.button")}
                      </button>
                    </Form>
                  </span>
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
