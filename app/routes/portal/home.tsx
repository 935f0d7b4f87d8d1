import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { Notice } from "../../ui/notice.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireCustomer(context, request);
  const nav = await portalNavigation(context, "portal");
  return { title: pageTitle(context.language, "common:portals.portal"), name: user.name, shortcuts: nav.filter((n) => n.to !== "/portal") };
}

export default function PortalHome() {
  const { name, shortcuts } = useLoaderData<typeof loader>();
  const { t } = useTranslation("portal");
  return (
    <>
      <Notice />
      <PageHeader title={t("home.greeting", { name })} />
      <p className="muted">{t("home.intro")}</p>
      <div className="grid three">
        {shortcuts.map((s) => (
          <Link key={s.to} to={s.to} className="card">
            <strong>{s.label}</strong>
          </Link>
        ))}
      </div>
    </>
  );
}
