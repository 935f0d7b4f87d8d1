import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePartner } from "../../core/auth/guards.server.ts";
import { ownDataExport } from "../../core/privacy/my-privacy.server.ts";

// A resource route: a partner user's own data as a zip (their account; never their organisation's).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requirePartner(context, request);
  return ownDataExport(context.runtime, actor, context.clientIp);
}
