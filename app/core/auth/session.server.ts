import type { Session, User } from "lucia";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { loadPermissions } from "../permissions/permissions.server.ts";
import { isPartnerOrganisationActive } from "../partners/partners.server.ts";

export type SessionUser = User;

export interface RequestAuth {
  user: SessionUser;
  session: Session;
  actor: Exclude<Actor, { kind: "system" }>;
}

function readSessionId(runtime: AppRuntime, request: Request) {
  return runtime.lucia.readSessionCookie(request.headers.get("Cookie") ?? "");
}

/**
 * Who is asking, resolved once per request. `setCookie` carries a refreshed or blank session
 * cookie that the response must send.
 */
export async function resolveRequestAuth(
  runtime: AppRuntime,
  request: Request,
): Promise<{ auth: RequestAuth | null; setCookie: string | null }> {
  const sessionId = readSessionId(runtime, request);
  if (!sessionId) return { auth: null, setCookie: null };
  const { session, user } = await runtime.lucia.validateSession(sessionId);
  if (!session || !user || !user.active) {
    return { auth: null, setCookie: runtime.lucia.createBlankSessionCookie().serialize() };
  }
  const setCookie = session.fresh ? runtime.lucia.createSessionCookie(session.id).serialize() : null;
  let actor: RequestAuth["actor"];
  if (user.kind === "staff") {
    const disabled = await runtime.registry.disabledPluginIds(runtime.db);
    const permissions = await loadPermissions(runtime.db, user.id, disabled);
    actor = { kind: "staff", userId: user.id, permissions, branchId: user.branchId };
  } else if (user.kind === "customer" && user.contactId) {
    actor = { kind: "customer", userId: user.id, contactId: user.contactId };
  } else if (user.kind === "partner" && user.partnerOrgId) {
    // a deactivated organisation's users are signed out, whatever their session says
    if (!(await isPartnerOrganisationActive(runtime.db, user.partnerOrgId))) {
      return { auth: null, setCookie: runtime.lucia.createBlankSessionCookie().serialize() };
    }
    actor = { kind: "partner", userId: user.id, partnerOrgId: user.partnerOrgId };
  } else {
    return { auth: null, setCookie: runtime.lucia.createBlankSessionCookie().serialize() };
  }
  return { auth: { user, session, actor }, setCookie };
}

/**
 * Signs a user in with a brand-new session id. Any session the request already carried is
 * invalidated first, so a session id known before sign-in is worthless after it.
 */
export async function startSession(runtime: AppRuntime, userId: string, request: Request) {
  const previous = readSessionId(runtime, request);
  if (previous) await runtime.lucia.invalidateSession(previous);
  const session = await runtime.lucia.createSession(userId, {});
  return runtime.lucia.createSessionCookie(session.id).serialize();
}

export async function endSession(runtime: AppRuntime, request: Request) {
  const sessionId = readSessionId(runtime, request);
  if (sessionId) await runtime.lucia.invalidateSession(sessionId);
  return runtime.lucia.createBlankSessionCookie().serialize();
}

/** Signs a user out everywhere (after a password or privilege change). */
export async function endAllSessions(runtime: AppRuntime, userId: string) {
  await runtime.lucia.invalidateUserSessions(userId);
}
