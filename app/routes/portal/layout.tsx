import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireCustomer } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { PortalErrorBoundary, PortalLayout, type PortalLayoutData } from "../../ui/portal-layout.tsx";

export const handle = { i18n: ["common", "portal", "auth"] };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<PortalLayoutData> {
  const { user } = requireCustomer(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "portal") };
}

export default function CustomerLayout() {
  return <PortalLayout portal="portal" />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal="portal" />;
}
