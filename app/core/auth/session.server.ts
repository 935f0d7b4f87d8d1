// The one module that owns sessions and their cookie (ADR 002, ADR 017). It replaced lucia: a
// session needs an idle and an absolute lifetime that differ by kind of user and that an admin
// changes at run time, a second-factor state and a last-proof time; lucia v3 knows one sliding span.
import crypto from "node:crypto";
import { and, eq, lte, ne, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { sessions, users, type sessionLevels } from "../../../db/schema/index.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { loadPermissions } from "../permissions/permissions.server.ts";
import { isPartnerOrganisationActive } from "../partners/partners.server.ts";
import { sessionLifetimeFor } from "./session-policy.server.ts";

export const sessionCookieName = "nusa_session";
export type SessionLevel = (typeof sessionLevels)[number];

export interface SessionUser {
  id: string;
  kind: "staff" | "customer" | "partner";
  email: string;
  name: string;
  locale: "id" | "en" | null;
  active: boolean;
  emailVerifiedAt: Date | null;
  contactId: string | null;
  partnerOrgId: string | null;
  branchId: string | null;
}

export interface SessionInfo {
  /** SHA-256 of the cookie's token (never the token itself). */
  id: string;
  level: SessionLevel;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  reauthenticatedAt: Date;
}

export interface RequestAuth {
  user: SessionUser;
  session: SessionInfo;
  actor: Exclude<Actor, { kind: "system" }>;
}

/** A session that proved the password but still owes a second factor (or its enrolment). */
export interface PendingAuth {
  user: SessionUser;
  session: SessionInfo;
}

type Runtime = Pick<AppRuntime, "db" | "config">;

// the last-seen time (and the cookie) is written at most once a minute per session
const touchEveryMs = 60_000;

function digest(token: string) {
  return crypto.createHash("sha256").update(token).digest("hex");
}

function readToken(request: Request) {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === sessionCookieName) return decodeURIComponent(rest.join("=")) || null;
  }
  return null;
}

function serializeCookie(runtime: Runtime, token: string, maxAgeSeconds: number) {
  const parts = [`${sessionCookieName}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (runtime.config.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

/** The Set-Cookie value that removes the session cookie. */
export function blankSessionCookie(runtime: Runtime) {
  return serializeCookie(runtime, "", 0);
}

const sessionColumns = {
  id: sessions.id,
  level: sessions.level,
  createdAt: sessions.createdAt,
  expiresAt: sessions.expiresAt,
  absoluteExpiresAt: sessions.absoluteExpiresAt,
  reauthenticatedAt: sessions.reauthenticatedAt,
  lastSeenAt: sessions.lastSeenAt,
  idleSeconds: sessions.idleSeconds,
};

/**
 * Who is asking, resolved once per request. A session past its idle or absolute end is deleted.
 * `setCookie` carries a refreshed (Max-Age = time left) or blank cookie that the response must send.
 */
export async function resolveRequestAuth(
  runtime: AppRuntime,
  request: Request,
): Promise<{ auth: RequestAuth | null; pending: PendingAuth | null; setCookie: string | null }> {
  const none = { auth: null, pending: null };
  const token = readToken(request);
  if (!token) return { ...none, setCookie: null };
  const id = digest(token);
  const [row] = await runtime.db
    .select({
      session: sessionColumns,
      user: {
        id: users.id,
        kind: users.kind,
        email: users.email,
        name: users.name,
        locale: users.locale,
        active: users.active,
        emailVerifiedAt: users.emailVerifiedAt,
        contactId: users.contactId,
        partnerOrgId: users.partnerOrgId,
        branchId: users.branchId,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id));
  const blank = blankSessionCookie(runtime);
  if (!row) return { ...none, setCookie: blank };
  const now = Date.now();
  const { session, user } = row;
  if (session.expiresAt.getTime() <= now || !user.active) {
    await runtime.db.delete(sessions).where(eq(sessions.id, id));
    return { ...none, setCookie: blank };
  }
  let setCookie: string | null = null;
  let expiresAt = session.expiresAt;
  if (now - session.lastSeenAt.getTime() >= touchEveryMs) {
    expiresAt = new Date(Math.min(now + session.idleSeconds * 1000, session.absoluteExpiresAt.getTime()));
    await runtime.db.update(sessions).set({ lastSeenAt: new Date(now), expiresAt }).where(eq(sessions.id, id));
    setCookie = serializeCookie(runtime, token, (expiresAt.getTime() - now) / 1000);
  }
  const info: SessionInfo = {
    id,
    level: session.level,
    createdAt: session.createdAt,
    expiresAt,
    absoluteExpiresAt: session.absoluteExpiresAt,
    reauthenticatedAt: session.reauthenticatedAt,
  };
  if (session.level !== "full") return { auth: null, pending: { user, session: info }, setCookie };
  let actor: RequestAuth["actor"];
  if (user.kind === "staff") {
    const scope = await runtime.registry.permissionScope(runtime.db);
    const permissions = await loadPermissions(runtime.db, user.id, scope.disabledPlugins, scope.activePluginRoles);
    actor = { kind: "staff", userId: user.id, permissions, branchId: user.branchId };
  } else if (user.kind === "customer" && user.contactId) {
    actor = { kind: "customer", userId: user.id, contactId: user.contactId };
  } else if (user.kind === "partner" && user.partnerOrgId) {
    // a deactivated organisation's users are signed out, whatever their session says
    if (!(await isPartnerOrganisationActive(runtime.db, user.partnerOrgId))) return { ...none, setCookie: blank };
    actor = { kind: "partner", userId: user.id, partnerOrgId: user.partnerOrgId };
  } else {
    return { ...none, setCookie: blank };
  }
  return { auth: { user, session: info, actor }, pending: null, setCookie };
}

/**
 * Signs a user in with a brand-new session id. Any session the request already carried is
 * invalidated first, so a session id known before sign-in is worthless after it. `level` says
 * whether a second factor (or its enrolment) is still owed.
 */
export async function startSession(runtime: Runtime, userId: string, request: Request, options: { level?: SessionLevel } = {}) {
  const previous = readToken(request);
  if (previous) await runtime.db.delete(sessions).where(eq(sessions.id, digest(previous)));
  const [user] = await runtime.db.select({ kind: users.kind }).from(users).where(eq(users.id, userId));
  const lifetime = await sessionLifetimeFor(runtime.db, user.kind);
  const token = crypto.randomBytes(32).toString("base64url");
  const now = Date.now();
  const absoluteExpiresAt = new Date(now + lifetime.absoluteSeconds * 1000);
  const expiresAt = new Date(Math.min(now + lifetime.idleSeconds * 1000, absoluteExpiresAt.getTime()));
  await runtime.db.insert(sessions).values({
    id: digest(token),
    userId,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt,
    absoluteExpiresAt,
    idleSeconds: lifetime.idleSeconds,
    level: options.level ?? "full",
    reauthenticatedAt: new Date(now),
  });
  return serializeCookie(runtime, token, (expiresAt.getTime() - now) / 1000);
}

/** The second factor was proven (or enrolled): the session becomes a full one, just re-authenticated. */
export async function completeSecondFactor(db: Database, sessionId: string) {
  await db.update(sessions).set({ level: "full", reauthenticatedAt: new Date(), webauthnChallenge: null }).where(eq(sessions.id, sessionId));
}

/** The user proved who they are again (step-up): sensitive actions are open for a few minutes. */
export async function markReauthenticated(db: Database, sessionId: string) {
  await db.update(sessions).set({ reauthenticatedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** Keeps a WebAuthn challenge on the session until it is answered. */
export async function setSessionChallenge(db: Database, sessionId: string, challenge: string | null) {
  await db.update(sessions).set({ webauthnChallenge: challenge }).where(eq(sessions.id, sessionId));
}

/** Takes (and clears) the session's pending WebAuthn challenge: each challenge is answered once. */
export async function takeSessionChallenge(db: Database, sessionId: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ challenge: sessions.webauthnChallenge }).from(sessions).where(eq(sessions.id, sessionId)).for("update");
    if (row?.challenge) await tx.update(sessions).set({ webauthnChallenge: null }).where(eq(sessions.id, sessionId));
    return row?.challenge ?? null;
  });
}

export async function endSession(runtime: Runtime, request: Request) {
  const token = readToken(request);
  if (token) await runtime.db.delete(sessions).where(eq(sessions.id, digest(token)));
  return blankSessionCookie(runtime);
}

/** Signs a user out everywhere (after a password or privilege change). */
export async function endAllSessions(runtime: Pick<AppRuntime, "db">, userId: string) {
  await runtime.db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Signs a user out everywhere but the session in hand (after they change their own factors). */
export async function endOtherSessions(db: Database, userId: string, keepSessionId: string) {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)));
}

/**
 * New staff lifetimes apply to sessions already open: idle length replaced, absolute end
 * recomputed from each session's start.
 */
export async function applySessionLifetimeToOpenSessions(db: Database, lifetime: { idleSeconds: number; absoluteSeconds: number }) {
  await db.execute(sql`
    update ${sessions} s set
      idle_seconds = ${lifetime.idleSeconds},
      absolute_expires_at = s.created_at + make_interval(secs => ${lifetime.absoluteSeconds}),
      expires_at = least(s.last_seen_at + make_interval(secs => ${lifetime.idleSeconds}), s.created_at + make_interval(secs => ${lifetime.absoluteSeconds}))
    from ${users} u where u.id = s.user_id and u.kind <> 'customer'`);
}

/** Removes ended sessions (a daily job). */
export async function deleteExpiredSessions(db: Database) {
  await db.delete(sessions).where(lte(sessions.expiresAt, new Date()));
}
