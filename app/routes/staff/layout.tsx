import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { GlobalSearchBox } from "../../ui/global-search-box.tsx";
import { PortalErrorBoundary, PortalLayout, type PortalLayoutData } from "../../ui/portal-layout.tsx";

export const handle = { i18n: ["common", "staff"] };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<PortalLayoutData> {
  const { user } = requireStaff(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "staff") };
}

export default function StaffLayout() {
  return <PortalLayout portal="staff" search={<GlobalSearchBox action="/staff/search" />} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal="staff" search={<GlobalSearchBox action="/staff/search" />} />;
}
