import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { GlobalSearchBox } from "../../ui/global-search-box.tsx";
import { PortalErrorBoundary, PortalLayout, type PortalLayoutData } from "../../ui/portal-layout.tsx";
import type { NavItem } from "../../ui/portal-shell.tsx";
import { StaffSidebar } from "../../ui/staff-sidebar.tsx";

export const handle = { i18n: ["common", "staff"] };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<PortalLayoutData> {
  const { user } = requireStaff(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "staff") };
}

const search = <GlobalSearchBox action="/staff/search" />;
const menu = (nav: NavItem[]) => <StaffSidebar nav={nav} />;

export default function StaffLayout() {
  return <PortalLayout portal="staff" search={search} menu={menu} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal="staff" search={search} menu={menu} />;
}
