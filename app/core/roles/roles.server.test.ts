import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, rolePermissions, sessions } from "../../../db/schema/index.ts";
import { createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import { definePlugin } from "../../plugin-api/index.ts";
import { loadPermissions } from "../permissions/permissions.server.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { grantPermission, listRolesWithPermissions, revokePermission, setRolePermissions } from "./roles.server.ts";

const labels = { meta: { name: "Lab", description: "Hasil lab" }, roles: { analyst: "Analis" } };
const lab = {
  manifest: definePlugin({
    id: "lab",
    version: "1.2.0",
    requires: [],
    name: "meta.name",
    description: "meta.description",
    roles: ["analyst"],
    permissions: { "lab.result.read": { roles: ["analyst", "manager"] }, "lab.result.manage": { roles: ["analyst"] } },
  }),
  locales: { id: labels, en: labels },
};
const pharmacy = {
  manifest: definePlugin({
    id: "pharmacy",
    version: "0.1.0",
    requires: [],
    name: "meta.name",
    description: "meta.description",
    permissions: { "pharmacy.stock.read": { roles: ["manager"] } },
  }),
  locales: { id: { meta: { name: "Apotek", description: "Stok obat" } }, en: { meta: { name: "Pharmacy", description: "Drug stock" } } },
};

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let admin: Awaited<ReturnType<typeof createStaff>>;

function actorOf(user: { id: string }) {
  return { kind: "staff" as const, userId: user.id, permissions: new Set(["core.role.manage"]), branchId: null };
}

async function grants(roleId: string) {
  return (await runtime.db.select({ id: rolePermissions.permissionId }).from(rolePermissions).where(eq(rolePermissions.roleId, roleId)))
    .map((r) => r.id)
    .sort();
}

beforeAll(async () => {
  app = await createTestApp({ plugins: [lab, pharmacy] });
  runtime = app.runtime;
  admin = await createStaff(runtime, { roles: ["admin"] });
  await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "pharmacy", false);
});
afterAll(async () => {
  await app?.close();
});

describe("listing roles", () => {
  it("groups permissions by plugin, marks disabled plugins, and shows each role's grants", async () => {
    await createStaff(runtime, { roles: ["manager"] });
    const { roles, groups } = await listRolesWithPermissions(runtime);
    expect(groups.map((g) => [g.pluginId, g.enabled])).toEqual([
      [null, true],
      ["lab", true],
      ["pharmacy", false],
    ]);
    expect(groups[0].permissions.slice(0, 2)).toEqual(["core.dashboard.read", "core.contact.read"]);
    expect(groups[1].permissions).toEqual(["lab.result.read", "lab.result.manage"]);
    expect(roles.map((r) => r.id)).toEqual(["admin", "manager", "agent", "marketing", "analyst"]);
    const manager = roles.find((r) => r.id === "manager")!;
    expect(manager.granted).toEqual(expect.arrayContaining(["core.contact.read", "lab.result.read", "pharmacy.stock.read"]));
    expect(manager.granted).not.toContain("core.user.manage");
    expect(manager.members).toBeGreaterThanOrEqual(1);
    expect(roles.find((r) => r.id === "admin")).toMatchObject({ allPermissions: true });
    expect(roles.find((r) => r.id === "analyst")).toMatchObject({ pluginId: "lab", enabled: true });
  });
});

describe("changing a role's permissions", () => {
  it("grants and revokes, audits each change and signs out every holder of the role", async () => {
    const agentA = await createStaff(runtime, { roles: ["agent"] });
    const agentB = await createStaff(runtime, { roles: ["agent"] });
    const marketer = await createStaff(runtime, { roles: ["marketing"] });
    const granted = await grantPermission(runtime, actorOf(admin), { roleId: "agent", permissionId: "core.partner.manage" });
    expect(granted).toMatchObject({ ok: true, granted: ["core.partner.manage"], revoked: [], self: false });
    expect(await grants("agent")).toContain("core.partner.manage");
    expect(await loadPermissions(runtime.db, agentA.id, [])).toContain("core.partner.manage");
    for (const u of [agentA, agentB]) {
      expect(await runtime.db.select().from(sessions).where(eq(sessions.userId, u.id))).toHaveLength(0);
    }
    // someone in another role keeps their session
    expect(await runtime.db.select().from(sessions).where(eq(sessions.userId, marketer.id))).toHaveLength(1);

    const revoked = await revokePermission(runtime, actorOf(admin), { roleId: "agent", permissionId: "core.partner.manage" });
    expect(revoked).toMatchObject({ ok: true, granted: [], revoked: ["core.partner.manage"] });
    expect(await loadPermissions(runtime.db, agentA.id, [])).not.toContain("core.partner.manage");
    const entries = await runtime.db
      .select({ action: auditLog.action, data: auditLog.data, actor: auditLog.actorUserId })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "role"), eq(auditLog.entityId, "agent")));
    expect(entries).toEqual([
      { action: "permission.granted", data: { permission: "core.partner.manage" }, actor: admin.id },
      { action: "permission.revoked", data: { permission: "core.partner.manage" }, actor: admin.id },
    ]);
  });

  it("saves a whole form: only permissions the form showed are touched", async () => {
    const before = await grants("marketing");
    expect(before).toContain("core.dashboard.read");
    const result = await setRolePermissions(runtime, actorOf(admin), {
      roleId: "marketing",
      permissionIds: ["core.contact.read", "lab.result.read"],
      scope: ["core.dashboard.read", "core.contact.read", "lab.result.read"],
    });
    expect(result).toMatchObject({ ok: true, granted: ["lab.result.read"], revoked: ["core.dashboard.read"] });
    const after = await grants("marketing");
    expect(after).toEqual([...before.filter((p) => p !== "core.dashboard.read"), "lab.result.read"].sort());
  });

  it("does nothing (and signs nobody out) when nothing changed", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const current = await grants("agent");
    const result = await setRolePermissions(runtime, actorOf(admin), { roleId: "agent", permissionIds: current });
    expect(result).toMatchObject({ ok: true, granted: [], revoked: [], affectedUserIds: [] });
    expect(await runtime.db.select().from(sessions).where(eq(sessions.userId, agent.id))).toHaveLength(1);
  });

  it("can grant a disabled plugin's permission; it takes effect when the plugin is on", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(await grantPermission(runtime, actorOf(admin), { roleId: "agent", permissionId: "pharmacy.stock.read" })).toMatchObject({ ok: true });
    expect(await loadPermissions(runtime.db, agent.id, ["pharmacy"])).not.toContain("pharmacy.stock.read");
    expect(await loadPermissions(runtime.db, agent.id, [])).toContain("pharmacy.stock.read");
  });

  it("refuses to edit admin, unknown roles and unknown permissions", async () => {
    expect(await revokePermission(runtime, actorOf(admin), { roleId: "admin", permissionId: "core.user.manage" })).toEqual({
      ok: false,
      error: "adminHasAll",
    });
    expect(await grantPermission(runtime, actorOf(admin), { roleId: "ghost", permissionId: "core.user.manage" })).toEqual({
      ok: false,
      error: "unknownRole",
    });
    expect(await grantPermission(runtime, actorOf(admin), { roleId: "agent", permissionId: "core.everything" })).toEqual({
      ok: false,
      error: "unknownPermission",
    });
  });

  it("tells the caller when they hold the role they changed", async () => {
    const manager = await createStaff(runtime, { roles: ["manager"] });
    const result = await grantPermission(runtime, actorOf(manager), { roleId: "manager", permissionId: "core.audit.read" });
    expect(result).toMatchObject({ ok: true, self: true });
  });
});
