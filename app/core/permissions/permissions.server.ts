import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { permissions, rolePermissions, roles, userRoles } from "../../../db/schema/index.ts";

export const corePermissions = {
  "core.dashboard.read": ["admin", "manager", "agent", "marketing"],
  "core.contact.read": ["admin", "manager", "agent", "marketing"],
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
  "core.contact.export",
  "core.audit.read",
  // the privacy desk reads the people behind requests and breaches, and erases data
  "core.privacyRequest.manage",
  "core.privacyIncident.manage",
];
export const coreRoles = ["admin", "manager", "agent", "marketing"] as const;

/** What a staff user may do now: their roles' grants, less permissions of disabled plugins. */
export async function loadPermissions(db: Database, userId: string, disabledPlugins: string[]): Promise<Set<string>> {
  const enabledPermission = or(
    isNull(permissions.pluginId),
    disabledPlugins.length ? notInArray(permissions.pluginId, disabledPlugins) : sql`true`,
  );
  const rows = await db
    .selectDistinct({ id: permissions.id })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(rolePermissions, eq(rolePermissions.roleId, roles.id))
    .innerJoin(
      permissions,
      or(eq(roles.allPermissions, true), eq(permissions.id, rolePermissions.permissionId)),
    )
    .where(and(eq(userRoles.userId, userId), enabledPermission));
  return new Set(rows.map((r) => r.id));
}

export interface PermissionDeclaration {
  id: string;
  pluginId: string | null;
  defaultRoles: readonly string[];
}

/**
 * Makes sure roles and permissions exist. Default grants are applied only when a permission is
 * first seen, so an admin's later choices are never overwritten by a restart.
 */
export async function syncPermissions(
  db: Database,
  declaredRoles: { id: string; pluginId: string | null }[],
  declared: PermissionDeclaration[],
) {
  await db.transaction(async (tx) => {
    await tx
      .insert(roles)
      .values([
        { id: "admin", allPermissions: true, pluginId: null },
        ...declaredRoles.filter((r) => r.id !== "admin").map((r) => ({ id: r.id, pluginId: r.pluginId })),
      ])
      .onConflictDoNothing();
    if (!declared.length) return;
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
  });
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
