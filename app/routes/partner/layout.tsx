import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { portalNavigation } from "../../core/navigation/navigation.server.ts";
import { PortalErrorBoundary, PortalLayout, type PortalLayoutData } from "../../ui/portal-layout.tsx";

export const handle = { i18n: ["common", "partner", "auth"] };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<PortalLayoutData> {
  const { user } = requirePartner(context, request);
  return { userName: user.name, nav: await portalNavigation(context, "partner") };
}

export default function PartnerLayout() {
  return <PortalLayout portal="partner" />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal="partner" />;
}
