import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, requireStaff } from "../../core/auth/guards.server.ts";
import { settingsTabs } from "../../ui/settings-tabs.tsx";

/** "Settings" in the menu: the first settings page this user may open. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request);
  const first = settingsTabs.find((tab) => actor.permissions.has(tab.permission));
  if (!first) forbidden();
  throw redirect(first.to);
}
