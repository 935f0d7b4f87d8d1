import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { PortalShell } from "../../ui/portal-shell.tsx";

export const handle = { i18n: ["common", "partner", "auth"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requirePartner(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "partner") };
}

export default function PartnerLayout() {
  const { userName, nav } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <PortalShell portalName={t("portals.partner")} home="/partner" userName={userName} nav={nav} accountHref="/partner/security">
      <Outlet />
    </PortalShell>
  );
}
