import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { portalHomeWidgets } from "../../core/portal-home/portal-home.server.ts";
import { Notice } from "../../ui/notice.tsx";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { PortalWidgetCard } from "../../ui/portal-widget.tsx";
import type { PortalLayoutData } from "../../ui/portal-layout.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, actor } = requireCustomer(context, request);
  return { title: pageTitle(context.language, "common:portals.portal"), name: user.name, widgets: await portalHomeWidgets(context.runtime, actor, context.language) };
}

export default function PortalHome() {
  const { name, widgets } = useLoaderData<typeof loader>();
  // the menu the portal's layout already worked out (what this customer has with each plugin)
  const shortcuts = (useRouteLoaderData<PortalLayoutData>("routes/portal/layout")?.nav ?? []).filter((n) => n.to !== "/portal");
  const { t } = useTranslation("portal");
  return (
    <>
      <Notice />
      <PageHeader title={t("home.greeting", { name })} />
      {widgets.length ? (
        <div className="grid two home-widgets">
          {widgets.map((w) => (
            <PortalWidgetCard key={w.id} id={w.id} view={w.view} />
          ))}
        </div>
      ) : (
        <p className="muted">{t("home.intro")}</p>
      )}
      <h2>{t("home.menu")}</h2>
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
