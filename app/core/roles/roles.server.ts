// Roles and what each may do: the permission matrix behind Settings → Roles.
//
// Grants live in role_permissions; `admin` holds every permission by definition (all_permissions)
// and is not edited here. Any change signs out every holder of the role, so privileges never
// linger in a session that was started before the change.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { permissions, rolePermissions, roles, userRoles } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { endAllSessions } from "../auth/session.server.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Language } from "../i18n/languages.ts";
import { corePermissions, coreRoles } from "../permissions/permissions.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface PermissionGroup {
  /** null for the core. */
  pluginId: string | null;
  /** Still listed in plugins/index.ts. */
  installed: boolean;
  /** Core, or a plugin switched on; a disabled plugin's grants are kept but have no effect. */
  enabled: boolean;
  permissions: string[];
}

export interface RoleWithPermissions {
  id: string;
  pluginId: string | null;
  /** Holds every permission (admin); not editable. */
  allPermissions: boolean;
  /** The role's plugin is on (always true for core roles). */
  enabled: boolean;
  granted: string[];
  members: number;
}

export type RoleError = "unknownRole" | "unknownPermission" | "adminHasAll";

function asArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
  return [];
}

/** Every role with its grants and member count, and every permission grouped by plugin. */
export async function listRolesWithPermissions(runtime: Pick<AppRuntime, "db" | "registry">) {
  const { db, registry } = runtime;
  const [roleRows, permissionRows, enabledIds] = await Promise.all([
    db
      .select({
        id: roles.id,
        pluginId: roles.pluginId,
        allPermissions: roles.allPermissions,
        granted: sql<string[]>`coalesce((select array_agg(rp.permission_id order by rp.permission_id) from ${rolePermissions} rp where rp.role_id = ${roles}.id), '{}'::text[])`,
        members: sql<number>`(select count(*)::int from ${userRoles} ur where ur.role_id = ${roles}.id)`,
      })
      .from(roles)
      .orderBy(asc(roles.id)),
    db.select({ id: permissions.id, pluginId: permissions.pluginId }).from(permissions).orderBy(asc(permissions.id)),
    registry.enabledPluginIds(db),
  ]);
  const enabled = new Set(enabledIds);
  const installedOrder = registry.plugins.map((p) => p.manifest.id);
  const declaredOrder = new Map<string, number>();
  Object.keys(corePermissions).forEach((id, i) => declaredOrder.set(id, i));
  for (const p of registry.plugins) Object.keys(p.manifest.permissions).forEach((id, i) => declaredOrder.set(id, i));

  const byGroup = new Map<string | null, string[]>();
  for (const p of permissionRows) byGroup.set(p.pluginId, [...(byGroup.get(p.pluginId) ?? []), p.id]);
  const groupRank = (id: string | null) => (id === null ? -1 : installedOrder.includes(id) ? installedOrder.indexOf(id) : installedOrder.length);
  const groups: PermissionGroup[] = [...byGroup.entries()]
    .sort(([a], [b]) => groupRank(a) - groupRank(b) || String(a).localeCompare(String(b)))
    .map(([pluginId, ids]) => ({
      pluginId,
      installed: pluginId === null || installedOrder.includes(pluginId),
      enabled: pluginId === null || enabled.has(pluginId),
      permissions: ids.sort((a, b) => (declaredOrder.get(a) ?? 999) - (declaredOrder.get(b) ?? 999) || a.localeCompare(b)),
    }));

  const coreRank = (id: string) => {
    const i = (coreRoles as readonly string[]).indexOf(id);
    return i === -1 ? coreRoles.length : i;
  };
  const roleList: RoleWithPermissions[] = roleRows
    .map((r) => ({
      id: r.id,
      pluginId: r.pluginId,
      allPermissions: r.allPermissions,
      enabled: r.pluginId === null || enabled.has(r.pluginId),
      granted: asArray(r.granted),
      members: Number(r.members),
    }))
    .sort((a, b) => coreRank(a.id) - coreRank(b.id) || a.id.localeCompare(b.id));
  return { roles: roleList, groups };
}

type SetResult =
  | { ok: true; granted: string[]; revoked: string[]; affectedUserIds: string[]; self: boolean }
  | { ok: false; error: RoleError };

/**
 * Makes a role's grants equal `permissionIds` within `scope` (the permissions the form showed;
 * all when null), so a permission added since the page was drawn is left alone.
 */
export async function setRolePermissions(
  runtime: Pick<AppRuntime, "db">,
  actor: StaffActor,
  input: { roleId: string; permissionIds: string[]; scope?: string[] | null },
): Promise<SetResult> {
  const result = await runtime.db.transaction(async (tx): Promise<SetResult> => {
    // one editor of a role at a time: two saves of the same form never interleave
    const [role] = await tx.select({ id: roles.id, allPermissions: roles.allPermissions }).from(roles).where(eq(roles.id, input.roleId)).for("update");
    if (!role) return { ok: false, error: "unknownRole" };
    if (role.allPermissions) return { ok: false, error: "adminHasAll" };
    const known = new Set((await tx.select({ id: permissions.id }).from(permissions)).map((p) => p.id));
    const wanted = new Set(input.permissionIds);
    if ([...wanted].some((p) => !known.has(p))) return { ok: false, error: "unknownPermission" };
    const scope = new Set((input.scope ?? [...known]).filter((p) => known.has(p)));
    const current = new Set(
      (await tx.select({ id: rolePermissions.permissionId }).from(rolePermissions).where(eq(rolePermissions.roleId, role.id))).map((r) => r.id),
    );
    const granted = [...wanted].filter((p) => scope.has(p) && !current.has(p)).sort();
    const revoked = [...current].filter((p) => scope.has(p) && !wanted.has(p)).sort();
    if (granted.length) await tx.insert(rolePermissions).values(granted.map((permissionId) => ({ roleId: role.id, permissionId })));
    if (revoked.length) {
      await tx.delete(rolePermissions).where(and(eq(rolePermissions.roleId, role.id), inArray(rolePermissions.permissionId, revoked)));
    }
    for (const permission of granted) {
      await audit(tx, actor, { action: "permission.granted", entityType: "role", entityId: role.id, data: { permission } });
    }
    for (const permission of revoked) {
      await audit(tx, actor, { action: "permission.revoked", entityType: "role", entityId: role.id, data: { permission } });
    }
    const affectedUserIds =
      granted.length || revoked.length
        ? (await tx.select({ userId: userRoles.userId }).from(userRoles).where(eq(userRoles.roleId, role.id))).map((r) => r.userId)
        : [];
    return { ok: true, granted, revoked, affectedUserIds, self: affectedUserIds.includes(actor.userId) };
  });
  if (result.ok) {
    // after commit, one holder after another (through the session module, which owns sessions)
    for (const userId of result.affectedUserIds) await endAllSessions(runtime as AppRuntime, userId);
  }
  return result;
}

/** Grants one permission to a role (no-op when it already has it). */
export async function grantPermission(runtime: Pick<AppRuntime, "db">, actor: StaffActor, input: { roleId: string; permissionId: string }) {
  return setRolePermission(runtime, actor, { ...input, granted: true });
}

/** Revokes one permission from a role (no-op when it does not have it). */
export async function revokePermission(runtime: Pick<AppRuntime, "db">, actor: StaffActor, input: { roleId: string; permissionId: string }) {
  return setRolePermission(runtime, actor, { ...input, granted: false });
}

async function setRolePermission(
  runtime: Pick<AppRuntime, "db">,
  actor: StaffActor,
  input: { roleId: string; permissionId: string; granted: boolean },
) {
  return setRolePermissions(runtime, actor, {
    roleId: input.roleId,
    permissionIds: input.granted ? [input.permissionId] : [],
    scope: [input.permissionId],
  });
}

/**
 * A role's name in the user's language: core roles from `staff:roles.*`, a plugin's roles from
 * its own namespace (loaded on the server, so the page needs no plugin namespace in the browser).
 */
export function roleLabel(language: Language, role: { id: string; pluginId: string | null }) {
  const t = fixedT(language, "staff");
  return role.pluginId ? t(`${role.pluginId}:roles.${role.id}`, { defaultValue: role.id }) : t(`roles.${role.id}`, { defaultValue: role.id });
}

/** A permission's name: `staff:permissions.core_contact_read`, or `<plugin>:permissions.<id with _>`. */
export function permissionLabel(language: Language, permission: { id: string; pluginId: string | null }) {
  const t = fixedT(language, "staff");
  const key = `permissions.${permission.id.replaceAll(".", "_")}`;
  return t(permission.pluginId ? `${permission.pluginId}:${key}` : key, { defaultValue: permission.id });
}
