// Staff accounts: who works here, which roles they hold and at which branch.
//
// A change of roles or a deactivation signs the user out everywhere, so their new privileges
// apply from the next request and an old cookie (on a shared ward PC, say) is worthless.
import { and, asc, eq, gt, ilike, inArray, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, roles, userRoles, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { queueAccountEmail } from "../auth/account-emails.server.ts";
import { inviteStaffUser } from "../auth/accounts.server.ts";
import { endAllSessions } from "../auth/session.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";
import { uniqueViolation } from "../../../db/errors.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Runtime = Pick<AppRuntime, "db" | "jobs" | "config">;

export const ADMIN_ROLE = "admin";

export interface StaffUserRow {
  id: string;
  name: string;
  email: string;
  active: boolean;
  locale: Language | null;
  branchId: string | null;
  branchName: string | null;
  branchCode: string | null;
  roles: string[];
  /** False until they have chosen a password from the e-mailed link. */
  hasPassword: boolean;
}

export type StaffUserError =
  | "emailTaken"
  | "unknownRole"
  | "unknownBranch"
  | "notFound"
  | "selfAdminRemoval"
  | "selfDeactivation"
  | "lastAdmin"
  | "adminOnly";

type Result<T = object> = ({ ok: true } & T) | { ok: false; error: StaffUserError };

const pageSizeDefault = 50;

// Roles aggregated in SQL, one row per user: no query per user. The outer table is named
// explicitly because drizzle leaves columns unqualified in a one-table select.
const rolesOfRow = sql<string[]>`coalesce((select array_agg(ur.role_id order by ur.role_id) from ${userRoles} ur where ur.user_id = ${users}.id), '{}'::text[])`;

const rowColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  active: users.active,
  locale: users.locale,
  branchId: users.branchId,
  branchName: branches.name,
  branchCode: branches.code,
  roles: rolesOfRow,
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
};

const staffCursor = z.tuple([cursorPart.text(), cursorPart.id()]);

function parseRoles(value: unknown): string[] {
  // drivers hand back text[] as an array; keep a string fallback so a driver change is not a crash
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
  return [];
}

/** Staff users by name (keyset pages), with their roles and branch; `q` matches name or e-mail. */
export async function listStaffUsers(db: Database, input: { q?: string | null; after?: string | null; limit?: number } = {}) {
  const limit = Math.min(Math.max(input.limit ?? pageSizeDefault, 1), 200);
  const after = decodeCursor(input.after, staffCursor);
  const q = input.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db
    .select(rowColumns)
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(
      and(
        eq(users.kind, "staff"),
        pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
        after ? or(gt(users.name, after[0]), and(eq(users.name, after[0]), gt(users.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map((r) => ({ ...r, roles: parseRoles(r.roles) })) as StaffUserRow[];
  return { users: page, next: rows.length > limit ? encodeCursor([page[page.length - 1].name, page[page.length - 1].id]) : null };
}

/** One staff user, or null. */
export async function getStaffUser(db: Database, userId: string): Promise<StaffUserRow | null> {
  if (!isUuid(userId)) return null;
  const [row] = await db
    .select(rowColumns)
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(and(eq(users.id, userId), eq(users.kind, "staff")));
  return row ? ({ ...row, roles: parseRoles(row.roles) } as StaffUserRow) : null;
}

/** Roles and active branches a staff user can be given, for the forms. */
export async function staffUserOptions(db: Database) {
  const [roleRows, branchRows] = await Promise.all([
    db.select({ id: roles.id, pluginId: roles.pluginId }).from(roles).orderBy(asc(roles.createdAt), asc(roles.id)),
    db
      .select({ id: branches.id, code: branches.code, name: branches.name, active: branches.active })
      .from(branches)
      .orderBy(asc(branches.code)),
  ]);
  return { roles: roleRows, branches: branchRows };
}


async function holdsAdmin(db: Database, userId: string) {
  const [row] = await db
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, ADMIN_ROLE)));
  return Boolean(row);
}

async function checkRolesExist(db: Database, wanted: string[]) {
  if (!wanted.length) return true;
  const rows = await db.select({ id: roles.id }).from(roles);
  const known = new Set(rows.map((r) => r.id));
  return wanted.every((r) => known.has(r));
}

async function checkBranch(db: Database, branchId: string | null) {
  if (!branchId) return true;
  if (!isUuid(branchId)) return false;
  const [row] = await db.select({ id: branches.id }).from(branches).where(eq(branches.id, branchId));
  return Boolean(row);
}

/**
 * Serialises every change that could take away an admin (the row lock on the admin role), then
 * counts the active admins other than `userId`.
 */
async function otherActiveAdmins(tx: Database, userId: string) {
  await tx.select({ id: roles.id }).from(roles).where(eq(roles.id, ADMIN_ROLE)).for("update");
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(and(eq(userRoles.roleId, ADMIN_ROLE), eq(users.active, true), ne(users.id, userId)));
  return Number(row?.n ?? 0);
}


/**
 * Creates a staff account without a password and e-mails an invitation link, so the new
 * colleague chooses their own password; nobody else ever knows it.
 */
export async function createStaffUser(
  runtime: Runtime,
  actor: StaffActor,
  input: { name: string; email: string; roles: string[]; branchId: string | null; language: Language },
): Promise<Result<{ userId: string }>> {
  const wanted = [...new Set(input.roles)];
  try {
    return await runtime.db.transaction(async (tx) => {
      if (!(await checkRolesExist(tx, wanted))) return { ok: false as const, error: "unknownRole" as const };
      if (wanted.includes(ADMIN_ROLE) && !(await holdsAdmin(tx, actor.userId))) return { ok: false as const, error: "adminOnly" as const };
      if (!(await checkBranch(tx, input.branchId))) return { ok: false as const, error: "unknownBranch" as const };
      const [existing] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.kind, "staff"), eq(users.email, input.email)));
      if (existing) return { ok: false as const, error: "emailTaken" as const };
      const [user] = await tx
        .insert(users)
        .values({ kind: "staff", name: input.name, email: input.email, branchId: input.branchId, locale: input.language })
        .returning({ id: users.id });
      if (wanted.length) await tx.insert(userRoles).values(wanted.map((roleId) => ({ userId: user.id, roleId })));
      await audit(tx, actor, {
        action: "user.created",
        entityType: "user",
        entityId: user.id,
        data: { email: input.email, roles: wanted, branchId: input.branchId },
      });
      // inside this transaction: the account and its e-mail commit together
      await inviteStaffUser(runtime, tx, { userId: user.id, invitedBy: await staffName(tx, actor.userId), language: input.language });
      return { ok: true as const, userId: user.id };
    });
  } catch (error) {
    // two admins adding the same address at once: the unique index decides
    if (uniqueViolation(error) !== null) return { ok: false, error: "emailTaken" };
    throw error;
  }
}

/**
 * Sets a staff user's roles and branch. When the roles change the user is signed out everywhere;
 * `self` tells the route to start a fresh session for the actor.
 */
export async function updateStaffUserAccess(
  runtime: Pick<AppRuntime, "db">,
  actor: StaffActor,
  input: { userId: string; roles: string[]; branchId: string | null },
): Promise<Result<{ rolesChanged: boolean; self: boolean }>> {
  const wanted = [...new Set(input.roles)].sort();
  const self = input.userId === actor.userId;
  const result = await runtime.db.transaction(async (tx): Promise<Result<{ rolesChanged: boolean; self: boolean }>> => {
    if (!isUuid(input.userId)) return { ok: false, error: "notFound" };
    const [user] = await tx
      .select({ id: users.id, branchId: users.branchId, active: users.active })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.kind, "staff")))
      .for("update");
    if (!user) return { ok: false, error: "notFound" };
    if (!(await checkRolesExist(tx, wanted))) return { ok: false, error: "unknownRole" };
    if (!(await checkBranch(tx, input.branchId))) return { ok: false, error: "unknownBranch" };
    const before = (await tx.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, user.id)))
      .map((r) => r.roleId)
      .sort();
    const added = wanted.filter((r) => !before.includes(r));
    const removed = before.filter((r) => !wanted.includes(r));
    const touchesAdmin = added.includes(ADMIN_ROLE) || removed.includes(ADMIN_ROLE);
    // only an admin hands out or takes away "admin", or a manager with user rights could crown themself
    if (touchesAdmin && !(await holdsAdmin(tx, actor.userId))) return { ok: false, error: "adminOnly" };
    if (removed.includes(ADMIN_ROLE)) {
      if (self) return { ok: false, error: "selfAdminRemoval" };
      if (user.active && (await otherActiveAdmins(tx, user.id)) === 0) return { ok: false, error: "lastAdmin" };
    }
    if (removed.length) {
      await tx.delete(userRoles).where(and(eq(userRoles.userId, user.id), inArray(userRoles.roleId, removed)));
    }
    if (added.length) await tx.insert(userRoles).values(added.map((roleId) => ({ userId: user.id, roleId })));
    const rolesChanged = added.length > 0 || removed.length > 0;
    if (rolesChanged) {
      await audit(tx, actor, { action: "role.assigned", entityType: "user", entityId: user.id, data: { before, after: wanted } });
    }
    if ((user.branchId ?? null) !== (input.branchId ?? null)) {
      await tx.update(users).set({ branchId: input.branchId }).where(eq(users.id, user.id));
      await audit(tx, actor, {
        action: "user.branch_changed",
        entityType: "user",
        entityId: user.id,
        data: { before: user.branchId, after: input.branchId },
      });
    }
    return { ok: true, rolesChanged, self };
  });
  // after commit: a session ended before the new roles are visible could be re-validated with the old ones
  if (result.ok && result.rolesChanged) await endAllSessions(runtime as AppRuntime, input.userId);
  return result;
}

/** Deactivates (signs out everywhere, refuses sign-in) or reactivates a staff user. */
export async function setStaffUserActive(
  runtime: Pick<AppRuntime, "db">,
  actor: StaffActor,
  input: { userId: string; active: boolean },
): Promise<Result<{ changed: boolean }>> {
  const result = await runtime.db.transaction(async (tx): Promise<Result<{ changed: boolean }>> => {
    if (!isUuid(input.userId)) return { ok: false, error: "notFound" };
    const [user] = await tx
      .select({ id: users.id, active: users.active })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.kind, "staff")))
      .for("update");
    if (!user) return { ok: false, error: "notFound" };
    if (user.active === input.active) return { ok: true, changed: false };
    if (!input.active) {
      if (user.id === actor.userId) return { ok: false, error: "selfDeactivation" };
      if (await holdsAdmin(tx, user.id)) {
        if (!(await holdsAdmin(tx, actor.userId))) return { ok: false, error: "adminOnly" };
        if ((await otherActiveAdmins(tx, user.id)) === 0) return { ok: false, error: "lastAdmin" };
      }
    }
    await tx.update(users).set({ active: input.active }).where(eq(users.id, user.id));
    await audit(tx, actor, { action: input.active ? "user.reactivated" : "user.deactivated", entityType: "user", entityId: user.id });
    return { ok: true, changed: true };
  });
  if (result.ok && result.changed) await endAllSessions(runtime as AppRuntime, input.userId);
  return result;
}

/**
 * E-mails a staff user a fresh link: a new invitation while they have not chosen a password yet,
 * otherwise a password reset link.
 */
export async function resendPasswordLink(
  runtime: Runtime,
  actor: StaffActor,
  input: { userId: string; language: Language },
): Promise<Result> {
  const user = await getStaffUser(runtime.db, input.userId);
  if (!user) return { ok: false, error: "notFound" };
  await runtime.db.transaction(async (tx) => {
    if (user.hasPassword) {
      // an admin's resend is not limited like a stranger's request; the job renders it all the same
      await queueAccountEmail(runtime, tx, { purpose: "reset-password", kind: "staff", email: user.email, language: user.locale ?? input.language });
    } else {
      await inviteStaffUser(runtime, tx, { userId: user.id, invitedBy: await staffName(tx, actor.userId), language: input.language });
    }
    await audit(tx, actor, { action: user.hasPassword ? "user.password_link_sent" : "user.invitation_sent", entityType: "user", entityId: user.id });
  });
  return { ok: true };
}

async function staffName(db: Database, userId: string) {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? "";
}
