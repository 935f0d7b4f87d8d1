import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { audit } from "../../core/audit/audit.server.ts";
import { endSession } from "../../core/auth/session.server.ts";

export async function action({ request, context }: ActionFunctionArgs) {
  const portal = context.auth?.user.kind === "staff" ? "staff" : context.auth?.user.kind === "partner" ? "partner" : "portal";
  if (context.auth) {
    await audit(context.runtime.db, context.auth.actor, { action: "auth.signed_out", entityType: "user", entityId: context.auth.user.id, ip: context.clientIp });
  }
  const cookie = await endSession(context.runtime, request);
  return redirect(`/${portal}/login?notice=signedOut`, { headers: { "Set-Cookie": cookie } });
}

export const loader = () => redirect("/");
