import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { PortalShell } from "../../ui/portal-shell.tsx";

export const handle = { i18n: ["common", "staff"] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireStaff(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "staff") };
}

export default function StaffLayout() {
  const { userName, nav } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <PortalShell portalName={t("portals.staff")} home="/staff" userName={userName} nav={nav} accountHref="/staff/security">
      <Outlet />
    </PortalShell>
  );
}
