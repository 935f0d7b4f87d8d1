import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { appSettings, permissions, rolePermissions, roles, userRoles } from "../../../db/schema/index.ts";

export const corePermissions = {
  "core.dashboard.read": ["admin", "manager", "agent", "marketing"],
  "core.contact.read": ["admin", "manager", "agent", "marketing"],
  /**
   * Contacts who are patients here (a hospital relationship, see contacts/hospital-relationship.server.ts).
   * Without it, contact lists and pages leave them out: a store cashier looks up members, not patients.
   */
  "core.patient.read": ["admin", "manager", "agent", "marketing"],
  "core.contact.manage": ["admin", "manager", "agent"],
  "core.contact.export": ["admin", "manager", "marketing"],
  "core.contact.import": ["admin", "manager"],
  "core.contact.merge": ["admin", "manager"],
  "core.segment.manage": ["admin", "manager", "marketing"],
  "core.campaign.send": ["admin", "manager", "marketing"],
  "core.interaction.log": ["admin", "manager", "agent"],
  "core.task.manage": ["admin", "manager", "agent", "marketing"],
  "core.ticket.read": ["admin", "manager", "agent"],
  "core.ticket.manage": ["admin", "manager", "agent"],
  "core.survey.read": ["admin", "manager"],
  "core.message.send": ["admin", "manager", "agent"],
  "core.settings.manage": ["admin"],
  "core.partner.read": ["admin", "manager", "agent"],
  "core.partner.manage": ["admin", "manager"],
  "core.user.manage": ["admin"],
  "core.role.manage": ["admin"],
  "core.branch.manage": ["admin"],
  "core.plugin.manage": ["admin"],
  "core.audit.read": ["admin"],
  // the data protection officer's desk: privacy requests, incidents, record of processing (UU PDP Art 53)
  "core.privacy.manage": ["admin"],
  // the request desk (identity checks, decisions, erasure) and the breach register, grantable apart
  // to a data protection officer's role without the rest of the admin's rights
  "core.privacyRequest.manage": ["admin"],
  "core.privacyIncident.manage": ["admin"],
  "core.mailbox.read": ["admin"],
  "core.report.read": ["admin", "manager", "agent", "marketing"],
  /** Reports over every branch, even for staff who belong to one (management). */
  "core.report.allBranches": ["admin"],
  "core.report.export": ["admin", "manager", "marketing"],
  /** Customer scores (RFM segment, p(alive), CLV, the at-risk list, the model check): profiling under UU PDP, so a permission of its own. */
  "core.scores.view": ["admin", "manager", "agent", "marketing"],
  /** Scheduled reports and KPI alerts by e-mail: the numbers leave the system, so like exports. */
  "core.report.schedule": ["admin", "manager", "marketing"],
} as const satisfies Record<string, readonly string[]>;

export type CorePermission = keyof typeof corePermissions;

/**
 * Core permissions that read patient data (contacts hold patients' NIK, BPJS and record numbers;
 * the audit log says who saw which record), export or erase personal data. Roles holding one need a
 * second factor unless an admin decides otherwise (Settings → Security).
 */
export const coreSensitivePermissions: CorePermission[] = [
  "core.contact.read",
  "core.patient.read",
  "core.contact.export",
  "core.audit.read",
  // the privacy desk reads the people behind requests and breaches, and erases data
  "core.privacyRequest.manage",
  "core.privacyIncident.manage",
];
export const coreRoles = ["admin", "manager", "agent", "marketing"] as const;

/**
 * What a staff user may do now: their roles' grants, less permissions of disabled plugins. With
 * `activePluginRoles` (PluginRegistry.activePluginRoles), a role a plugin introduced counts only while
 * a plugin declaring it is enabled, so a disabled plugin's role grants nothing, core permissions included.
 */
export async function loadPermissions(
  db: Database,
  userId: string,
  disabledPlugins: string[],
  activePluginRoles?: readonly string[],
): Promise<Set<string>> {
  const enabledPermission = or(
    isNull(permissions.pluginId),
    disabledPlugins.length ? notInArray(permissions.pluginId, disabledPlugins) : sql`true`,
  );
  const activeRole = activePluginRoles
    ? or(isNull(roles.pluginId), activePluginRoles.length ? inArray(roles.id, [...activePluginRoles]) : sql`false`)
    : sql`true`;
  const rows = await db
    .selectDistinct({ id: permissions.id })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(rolePermissions, eq(rolePermissions.roleId, roles.id))
    .innerJoin(
      permissions,
      or(eq(roles.allPermissions, true), eq(permissions.id, rolePermissions.permissionId)),
    )
    .where(and(eq(userRoles.userId, userId), enabledPermission, activeRole));
  return new Set(rows.map((r) => r.id));
}

export interface PermissionDeclaration {
  id: string;
  pluginId: string | null;
  defaultRoles: readonly string[];
}

export interface RoleDeclaration {
  id: string;
  pluginId: string | null;
  /** Core permissions a plugin's role holds by default (PluginManifest.coreGrants). */
  coreGrants?: readonly string[];
}

/** Which plugin roles' core grants were applied already, as "role:permission" (app_settings). */
const appliedRoleGrantsKey = "permissions.appliedRoleGrants";

/**
 * Makes sure roles and permissions exist. Default grants are applied only when a permission is
 * first seen, and a plugin role's core grants when that pair is first declared, so an admin's later
 * choices are never overwritten by a restart.
 */
export async function syncPermissions(db: Database, declaredRoles: RoleDeclaration[], declared: PermissionDeclaration[]) {
  await db.transaction(async (tx) => {
    await tx
      .insert(roles)
      .values([
        { id: "admin", allPermissions: true, pluginId: null },
        ...declaredRoles.filter((r) => r.id !== "admin").map((r) => ({ id: r.id, pluginId: r.pluginId })),
      ])
      .onConflictDoNothing();
    if (declared.length) await applyPermissionDefaults(tx, declared);
    await applyRoleCoreGrants(tx, declaredRoles);
  });
}

async function applyPermissionDefaults(tx: Database, declared: PermissionDeclaration[]) {
  const created = await tx
    .insert(permissions)
    .values(declared.map((p) => ({ id: p.id, pluginId: p.pluginId })))
    .onConflictDoNothing()
    .returning({ id: permissions.id });
  const createdIds = new Set(created.map((c) => c.id));
  const grants = declared
    .filter((p) => createdIds.has(p.id))
    .flatMap((p) => p.defaultRoles.filter((r) => r !== "admin").map((roleId) => ({ roleId, permissionId: p.id })));
  if (grants.length) await tx.insert(rolePermissions).values(grants).onConflictDoNothing();
}

async function applyRoleCoreGrants(tx: Database, declaredRoles: RoleDeclaration[]) {
  const declared = new Set(declaredRoles.flatMap((r) => (r.coreGrants ?? []).map((permissionId) => `${r.id}:${permissionId}`)));
  if (!declared.size) return;
  const [record] = await tx.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, appliedRoleGrantsKey)).for("update");
  const applied = new Set(Array.isArray(record?.value.applied) ? (record.value.applied as string[]) : []);
  const fresh = [...declared].filter((pair) => !applied.has(pair));
  if (!fresh.length) return;
  const grants = fresh.map((pair) => {
    const at = pair.indexOf(":");
    return { roleId: pair.slice(0, at), permissionId: pair.slice(at + 1) };
  });
  await tx.insert(rolePermissions).values(grants).onConflictDoNothing();
  const value = { applied: [...applied, ...fresh].sort() };
  await tx.insert(appSettings).values({ key: appliedRoleGrantsKey, value }).onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: new Date() } });
}

export async function rolesOfUser(db: Database, userId: string) {
  const rows = await db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((r) => r.roleId);
}

export async function usersWithRoles(db: Database, userIds: string[]) {
  if (!userIds.length) return new Map<string, string[]>();
  const rows = await db
    .select({ userId: userRoles.userId, roleId: userRoles.roleId })
    .from(userRoles)
    .where(inArray(userRoles.userId, userIds));
  const byUser = new Map<string, string[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.roleId]);
  return byUser;
}
