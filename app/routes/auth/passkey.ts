// JSON endpoint for the passkey button: options, then the browser's answer. Under /<portal>/login
// it proves the second factor of a pending session; under /<portal>/security it adds a passkey or
// confirms identity (step-up) for a signed-in user.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { audit } from "../../core/audit/audit.server.ts";
import { portalOf } from "../../core/auth/auth-forms.ts";
import {
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  verifyPasskey,
} from "../../core/auth/passkeys.server.ts";
import { actorOf } from "../../core/auth/second-factor.server.ts";
import { completeSecondFactor, markReauthenticated } from "../../core/auth/session.server.ts";
import { z } from "../../core/validation/validation.ts";

const bodySchema = z.object({
  intent: z.enum(["authenticate-options", "authenticate", "register-options", "register"]),
  response: z.any().optional(),
  name: z.string().max(60).optional(),
});

export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  const url = new URL(request.url);
  const portal = portalOf(url.pathname);
  const signingIn = url.pathname.includes("/login/");
  const t = await request.json().catch(() => null);
  const parsed = bodySchema.safeParse(t);
  if (!parsed.success) return Response.json({ ok: false }, { status: 400 });
  const { db, config } = context.runtime;
  const rp = { origin: config.appOrigin };
  const who = signingIn ? context.pendingAuth : context.auth;
  if (!who || who.user.kind === "customer" || who.user.kind !== (portal === "staff" ? "staff" : "partner")) {
    return Response.json({ ok: false }, { status: 401 });
  }
  const { intent, response, name } = parsed.data;
  // a pending session may only prove its factor (second_factor) or enrol one (enrolment)
  const registering = intent === "register-options" || intent === "register";
  if (signingIn && who.session.level !== (registering ? "enrolment" : "second_factor")) return Response.json({ ok: false }, { status: 401 });
  if (intent === "authenticate-options") {
    return Response.json({ ok: true, options: await passkeyAuthenticationOptions(db, rp, { userId: who.user.id, sessionId: who.session.id }) });
  }
  if (intent === "authenticate") {
    const ok = await verifyPasskey(db, rp, { userId: who.user.id, sessionId: who.session.id, response });
    if (!ok) return Response.json({ ok: false }, { status: 400 });
    if (signingIn) await completeSecondFactor(db, who.session.id);
    else await markReauthenticated(db, who.session.id);
    await audit(db, context.auth?.actor ?? actorOf(who.user), { action: signingIn ? "auth.second_factor_passed" : "auth.step_up_passed", entityType: "user", entityId: who.user.id, ip: context.clientIp, data: { method: "passkey" } });
    return Response.json({ ok: true });
  }
  const actor = context.auth?.actor ?? actorOf(who.user);
  if (intent === "register-options") {
    return Response.json({ ok: true, options: await passkeyRegistrationOptions(db, rp, { user: who.user, sessionId: who.session.id }) });
  }
  const result = await registerPasskey(db, rp, actor, { sessionId: who.session.id, response, name: name ?? "Passkey", ip: context.clientIp });
  if (result.ok && signingIn) await completeSecondFactor(db, who.session.id);
  return Response.json(result, { status: result.ok ? 200 : 400 });
}
