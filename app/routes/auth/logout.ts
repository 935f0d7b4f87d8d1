import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { audit } from "../../core/audit/audit.server.ts";
import { actorOf } from "../../core/auth/second-factor.server.ts";
import { endSession } from "../../core/auth/session.server.ts";

export async function action({ request, context }: ActionFunctionArgs) {
  // a session still owing its second factor signs out too
  const kind = (context.auth ?? context.pendingAuth)?.user.kind;
  const portal = kind === "staff" ? "staff" : kind === "partner" ? "partner" : "portal";
  const who = context.auth?.actor ?? (context.pendingAuth ? actorOf(context.pendingAuth.user) : null);
  if (who) await audit(context.runtime.db, who, { action: "auth.signed_out", entityType: "user", entityId: who.userId, ip: context.clientIp });
  const cookie = await endSession(context.runtime, request);
  return redirect(`/${portal}/login?notice=signedOut`, { headers: { "Set-Cookie": cookie } });
}

export const loader = () => redirect("/");
