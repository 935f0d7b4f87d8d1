import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { formatDate } from "../../core/i18n/format.ts";
import { listOrganisationUsers } from "../../core/partners/partners.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

/** Colleagues in the partner's own organisation; the id comes from the session. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  return { title: pageTitle(context.language, "partner:users.title"), users: await listOrganisationUsers(context.runtime.db, actor.partnerOrgId), language: context.language };
}

export default function PartnerUsers() {
  const { users, language } = useLoaderData<typeof loader>();
  const { t } = useTranslation("partner");
  return (
    <>
      <PageHeader title={t("users.title")} />
      <p className="muted">{t("users.intro")}</p>
      <table className="data">
        <thead>
          <tr>
            <th>{t("users.name")}</th>
            <th>{t("users.email")}</th>
            <th>{t("users.status")}</th>
            <th>{t("users.since")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td data-label={t("users.name")}>{u.name}</td>
              <td data-label={t("users.email")}>{u.email}</td>
              <td data-label={t("users.status")}>
                <span className={`badge ${u.pending ? "warn" : "ok"}`}>{t(u.pending ? "users.pending" : "users.active")}</span>
              </td>
              <td data-label={t("users.since")}>{formatDate(u.createdAt, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
