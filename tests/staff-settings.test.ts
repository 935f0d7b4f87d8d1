// Settings pages through the real stack: route action -> domain -> database.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../app/core/i18n/i18n.server.ts";
import { corePermissions, coreRoles } from "../app/core/permissions/permissions.server.ts";
import { grantPermission, revokePermission } from "../app/core/roles/roles.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import { definePlugin } from "../app/plugin-api/index.ts";
import * as branchesPage from "../app/routes/staff/settings.branches.tsx";
import * as pluginsPage from "../app/routes/staff/settings.plugins.tsx";
import * as rolesPage from "../app/routes/staff/settings.roles.tsx";
import * as usersPage from "../app/routes/staff/settings.users.tsx";
import { auditLog, branches, messages, userRoles, users } from "../db/schema/index.ts";
import enStaff from "../locales/en/staff.json";
import idStaff from "../locales/id/staff.json";
import { callRoute, createStaff, createTestApp, signedInCookie, unwrap } from "./support/test-app.ts";

// two tiny plugins: "addon" cannot run without "base"
const base = {
  manifest: definePlugin({ id: "base", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} }),
  locales: { id: { meta: { name: "Rekam Medis", description: "Dasar" } }, en: { meta: { name: "Medical Records", description: "Base" } } },
};
const addon = {
  manifest: definePlugin({ id: "addon", version: "2.1.0", requires: ["base"], name: "meta.name", description: "meta.description", permissions: {} }),
  locales: { id: { meta: { name: "Resep Elektronik", description: "Tambahan" } }, en: { meta: { name: "E-prescriptions", description: "Add-on" } } },
};

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let admin: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp({ plugins: [base, addon] });
  runtime = app.runtime;
  admin = await createStaff(runtime, { roles: ["admin"], name: "Admin Utama" });
});
afterAll(() => app?.close());

type Reply = { intent?: string; result: { status?: string; error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } };

const pages = [
  { name: "users", module: usersPage, path: "/staff/settings/users", form: { intent: "create", name: "Mau Masuk", email: "mau@contoh.id", roles: "admin" } },
  { name: "roles", module: rolesPage, path: "/staff/settings/roles", form: { intent: "save", roleId: "agent", permissions: "core.user.manage", shown: "core.user.manage" } },
  { name: "branches", module: branchesPage, path: "/staff/settings/branches", form: { intent: "create", code: "HACK-1", name: "Cabang Palsu", kind: "office", timeZone: "Asia/Jakarta" } },
  { name: "plugins", module: pluginsPage, path: "/staff/settings/plugins", form: { intent: "disable", pluginId: "addon" } },
] as const;

function location(response: unknown) {
  expect(response).toBeInstanceOf(Response);
  return (response as Response).headers.get("Location");
}

describe("who may open settings", () => {
  it.each(pages)("an agent gets 403 from the $name loader and action, and nothing changes", async ({ module, path, form }) => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const auditBefore = (await runtime.db.select({ id: auditLog.id }).from(auditLog)).length;
    expect(unwrap(await callRoute(runtime, module.loader, { path, cookie: agent.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(runtime, module.action, { path, cookie: agent.cookie, form })).status).toBe(403);
    // the refused action wrote nothing (sign-in audit rows are not written by callRoute)
    expect((await runtime.db.select({ id: auditLog.id }).from(auditLog)).length).toBe(auditBefore);
    expect(await runtime.registry.isEnabled(runtime.db, "addon")).toBe(true);
  });

  it.each(pages)("a signed-out visitor to $name is sent to sign in", async ({ module, path }) => {
    expect(location(await callRoute(runtime, module.loader, { path }))).toMatch(/^\/staff\/login\?redirectTo=/);
  });

  it("shows the settings tabs a user may open, and only those", async () => {
    const data = unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: admin.cookie })).data as { tabs: string[] };
    expect(data.tabs).toEqual(expect.arrayContaining(["core.user.manage", "core.role.manage", "core.branch.manage", "core.plugin.manage"]));
    // someone who may only manage roles sees no other settings tab
    await grantPermission(runtime, { kind: "staff", userId: admin.id, permissions: new Set(), branchId: null }, { roleId: "marketing", permissionId: "core.role.manage" });
    const marketer = await createStaff(runtime, { roles: ["marketing"] });
    const own = unwrap(await callRoute(runtime, rolesPage.loader, { path: "/staff/settings/roles", cookie: marketer.cookie })).data as { tabs: string[] };
    expect(own.tabs).toEqual(["core.role.manage"]);
    expect(unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: marketer.cookie })).status).toBe(403);
    await revokePermission(runtime, { kind: "staff", userId: admin.id, permissions: new Set(), branchId: null }, { roleId: "marketing", permissionId: "core.role.manage" });
  });
});

describe("staff users", () => {
  it("an admin creates a staff user, who gets an invitation e-mail", async () => {
    const response = await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: admin.cookie,
      form: { intent: "create", name: "Rina Marlina", email: "Rina.Marlina@RSNusa.co.id", roles: ["agent", "marketing"], branchId: "", language: "en" },
    });
    expect(location(response)).toBe("/staff/settings/users?notice=created");
    const [user] = await runtime.db.select().from(users).where(and(eq(users.kind, "staff"), eq(users.email, "rina.marlina@rsnusa.co.id")));
    expect(user).toMatchObject({ name: "Rina Marlina", passwordHash: null, locale: "en", active: true });
    const granted = await runtime.db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, user.id));
    expect(granted.map((r) => r.roleId).sort()).toEqual(["agent", "marketing"]);
    const mail = await runtime.db.select().from(messages).where(eq(messages.recipient, "rina.marlina@rsnusa.co.id"));
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: "auth.staff-invitation", locale: "en", channel: "email", status: "queued" });

    const list = unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users?q=rina.marlina", cookie: admin.cookie })).data as {
      users: { email: string; roles: string[]; hasPassword: boolean }[];
      roles: { id: string; label: string }[];
    };
    expect(list.users).toEqual([expect.objectContaining({ email: "rina.marlina@rsnusa.co.id", roles: ["agent", "marketing"], hasPassword: false })]);
    expect(list.roles.find((r) => r.id === "agent")?.label).toBe("Petugas layanan");
  });

  it("keeps what was typed and explains, in keys both languages know, when input is bad", async () => {
    const result = unwrap(
      await callRoute(runtime, usersPage.action, {
        path: "/staff/settings/users",
        cookie: admin.cookie,
        form: { intent: "create", name: "Joko Widodo", email: "bukan-email", language: "id" },
      }),
    );
    expect(result.status).toBe(400);
    const reply = result.data as Reply;
    expect(reply.intent).toBe("create");
    expect(reply.result.error?.email).toEqual(["validation.email"]);
    expect(reply.result.error?.roles).toEqual(["staff:settings.users.errors.noRole"]);
    expect(reply.result.initialValue).toMatchObject({ name: "Joko Widodo", email: "bukan-email" });
    expect(await runtime.db.select().from(users).where(eq(users.name, "Joko Widodo"))).toHaveLength(0);
    for (const language of ["id", "en"] as const) {
      expect(fixedT(language)("staff:settings.users.errors.noRole")).not.toContain("settings.users");
    }
  });

  it("refuses an e-mail already in use on the e-mail field", async () => {
    const existing = await createStaff(runtime, { roles: ["agent"] });
    const result = unwrap(
      await callRoute(runtime, usersPage.action, {
        path: "/staff/settings/users",
        cookie: admin.cookie,
        form: { intent: "create", name: "Kembaran", email: existing.email, roles: "agent", language: "id" },
      }),
    );
    expect(result.status).toBe(400);
    expect((result.data as Reply).result.error?.email).toEqual(["staff:settings.users.errors.emailTaken"]);
    expect(await runtime.db.select().from(users).where(eq(users.name, "Kembaran"))).toHaveLength(0);
  });

  it("changing someone's roles ends their session at once", async () => {
    const target = await createStaff(runtime, { roles: ["agent"] });
    // their session works before the change
    const before = await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: target.cookie });
    expect(unwrap(before).status).toBe(403);

    const response = await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: admin.cookie,
      form: { intent: "update", userId: target.id, roles: ["manager"], branchId: "" },
    });
    expect(location(response)).toBe("/staff/settings/users?notice=updated");
    // the old cookie no longer resolves: sent to sign in, not 403
    const after = await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: target.cookie });
    expect(location(after)).toMatch(/^\/staff\/login\?redirectTo=/);
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "role.assigned"), eq(auditLog.entityId, target.id)));
    expect(entry.data).toEqual({ before: ["agent"], after: ["manager"] });
    // the admin's own session is untouched
    expect(unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: admin.cookie })).status).toBe(200);
  });

  it("an admin cannot remove their own admin role, and keeps it", async () => {
    const result = unwrap(
      await callRoute(runtime, usersPage.action, {
        path: "/staff/settings/users",
        cookie: admin.cookie,
        form: { intent: "update", userId: admin.id, roles: ["manager"] },
      }),
    );
    expect(result.status).toBe(400);
    expect((result.data as Reply).result.error?.[""]).toEqual(["staff:settings.users.errors.selfAdminRemoval"]);
    expect((result.data as Reply).result.initialValue).toMatchObject({ roles: "manager" });
    const held = await runtime.db.select().from(userRoles).where(and(eq(userRoles.userId, admin.id), eq(userRoles.roleId, "admin")));
    expect(held).toHaveLength(1);
    expect(unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: admin.cookie })).status).toBe(200);
  });

  it("an admin who changes their own roles carries on in a fresh session", async () => {
    const self = await createStaff(runtime, { roles: ["admin"] });
    const response = await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: self.cookie,
      form: { intent: "update", userId: self.id, roles: ["admin", "marketing"] },
    });
    expect(location(response)).toBe("/staff/settings/users?notice=updated");
    const fresh = ((response as Response).headers.get("Set-Cookie") ?? "").split(";")[0];
    expect(fresh).toMatch(/=.+/);
    expect(fresh).not.toBe(self.cookie);
    expect(location(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: self.cookie }))).toMatch(/^\/staff\/login/);
    expect(unwrap(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: fresh })).status).toBe(200);
  });

  it("deactivating signs the user out; an admin cannot deactivate themself", async () => {
    const target = await createStaff(runtime, { roles: ["manager"] });
    const response = await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: admin.cookie,
      form: { intent: "deactivate", userId: target.id },
    });
    expect(location(response)).toBe(`/staff/settings/users?edit=${target.id}&notice=deactivated`);
    expect(location(await callRoute(runtime, usersPage.loader, { path: "/staff/settings/users", cookie: target.cookie }))).toMatch(/^\/staff\/login/);

    const own = unwrap(
      await callRoute(runtime, usersPage.action, { path: "/staff/settings/users", cookie: admin.cookie, form: { intent: "deactivate", userId: admin.id } }),
    );
    expect(own.status).toBe(400);
    expect((own.data as Reply).result.error?.[""]).toEqual(["staff:settings.users.errors.selfDeactivation"]);
  });
});

describe("roles", () => {
  it("a permission ticked for a role takes effect, and unticking takes it away", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(unwrap(await callRoute(runtime, branchesPage.loader, { path: "/staff/settings/branches", cookie: agent.cookie })).status).toBe(403);

    const loaded = unwrap(await callRoute(runtime, rolesPage.loader, { path: "/staff/settings/roles", cookie: admin.cookie })).data as {
      roles: { id: string; granted: string[]; label: string }[];
      groups: { permissions: { id: string; label: string }[] }[];
    };
    const shown = loaded.groups.flatMap((g) => g.permissions.map((p) => p.id));
    const agentGrants = loaded.roles.find((r) => r.id === "agent")!.granted;
    expect(loaded.groups[0].permissions.find((p) => p.id === "core.branch.manage")?.label).toBe("Kelola cabang");

    const response = await callRoute(runtime, rolesPage.action, {
      path: "/staff/settings/roles",
      cookie: admin.cookie,
      form: { intent: "save", roleId: "agent", permissions: [...agentGrants, "core.branch.manage"], shown },
    });
    expect(location(response)).toBe("/staff/settings/roles?saved=agent");
    // their old session was ended; signed in again, they have the new permission
    expect(location(await callRoute(runtime, branchesPage.loader, { path: "/staff/settings/branches", cookie: agent.cookie }))).toMatch(/^\/staff\/login/);
    const again = await signedInCookie(runtime, agent.id);
    expect(unwrap(await callRoute(runtime, branchesPage.loader, { path: "/staff/settings/branches", cookie: again })).status).toBe(200);

    await callRoute(runtime, rolesPage.action, {
      path: "/staff/settings/roles",
      cookie: admin.cookie,
      form: { intent: "save", roleId: "agent", permissions: agentGrants, shown },
    });
    const third = await signedInCookie(runtime, agent.id);
    expect(unwrap(await callRoute(runtime, branchesPage.loader, { path: "/staff/settings/branches", cookie: third })).status).toBe(403);
  });

  it("refuses to edit admin", async () => {
    const result = unwrap(
      await callRoute(runtime, rolesPage.action, {
        path: "/staff/settings/roles",
        cookie: admin.cookie,
        form: { intent: "save", roleId: "admin", permissions: [], shown: "core.user.manage" },
      }),
    );
    expect(result.status).toBe(400);
    expect((result.data as Reply).result.error?.[""]).toEqual(["staff:settings.roles.errors.adminHasAll"]);
  });
});

describe("branches", () => {
  const form = { intent: "create", code: "rsj-01", name: "RS Nusa Jakarta Pusat", kind: "hospital", timeZone: "Asia/Jakarta", address: "Jl. Salemba Raya 1", city: "Jakarta", phone: "(021) 555 1234" };

  it("creates a branch with a normalised code and phone", async () => {
    expect(location(await callRoute(runtime, branchesPage.action, { path: "/staff/settings/branches", cookie: admin.cookie, form }))).toBe(
      "/staff/settings/branches?notice=created",
    );
    const [row] = await runtime.db.select().from(branches).where(eq(branches.code, "RSJ-01"));
    expect(row).toMatchObject({ name: "RS Nusa Jakarta Pusat", phone: "+62215551234", timeZone: "Asia/Jakarta", active: true });
  });

  it("a duplicate code gives the translated error, keeps the input, and adds no row", async () => {
    const result = unwrap(
      await callRoute(runtime, branchesPage.action, { path: "/staff/settings/branches", cookie: admin.cookie, form: { ...form, code: "RSJ-01", name: "Cabang Kembar" } }),
    );
    expect(result.status).toBe(400);
    const reply = result.data as Reply;
    expect(reply.result.error?.code).toEqual(["staff:settings.branches.errors.codeTaken"]);
    expect(reply.result.initialValue).toMatchObject({ name: "Cabang Kembar", city: "Jakarta" });
    expect(await runtime.db.select().from(branches).where(eq(branches.name, "Cabang Kembar"))).toHaveLength(0);
    expect(fixedT("id")("staff:settings.branches.errors.codeTaken")).toBe("Kode ini sudah dipakai cabang lain.");
    expect(fixedT("en")("staff:settings.branches.errors.codeTaken")).toBe("This code is already used by another branch.");
  });

  it("rejects a bad phone number and time zone without writing", async () => {
    const result = unwrap(
      await callRoute(runtime, branchesPage.action, {
        path: "/staff/settings/branches",
        cookie: admin.cookie,
        form: { ...form, code: "TK-02", phone: "12345", timeZone: "Asia/Tokyo" },
      }),
    );
    expect(result.status).toBe(400);
    expect((result.data as Reply).result.error).toMatchObject({ phone: ["validation.phone"], timeZone: ["validation.choice"] });
    expect(await runtime.db.select().from(branches).where(eq(branches.code, "TK-02"))).toHaveLength(0);
  });

  it("updates a branch, including switching it off", async () => {
    const [row] = await runtime.db.select().from(branches).where(eq(branches.code, "RSJ-01"));
    const response = await callRoute(runtime, branchesPage.action, {
      path: "/staff/settings/branches",
      cookie: admin.cookie,
      form: { ...form, intent: "update", id: row.id, timeZone: "Asia/Makassar", name: "RS Nusa Makassar" },
    });
    expect(location(response)).toBe("/staff/settings/branches?notice=updated");
    const [after] = await runtime.db.select().from(branches).where(eq(branches.id, row.id));
    expect(after).toMatchObject({ name: "RS Nusa Makassar", timeZone: "Asia/Makassar", active: false });
  });
});

describe("plugins", () => {
  it("lists installed plugins with translated names, versions and requirements", async () => {
    const data = unwrap(await callRoute(runtime, pluginsPage.loader, { path: "/staff/settings/plugins", cookie: admin.cookie })).data as {
      plugins: { id: string; name: string; version: string; enabled: boolean; requires: { name: string }[] }[];
    };
    expect(data.plugins).toEqual([
      expect.objectContaining({ id: "base", name: "Rekam Medis", version: "1.0.0", enabled: true, requires: [] }),
      expect.objectContaining({ id: "addon", name: "Resep Elektronik", version: "2.1.0", enabled: true, requires: [expect.objectContaining({ name: "Rekam Medis" })] }),
    ]);
  });

  it("refuses to disable a plugin another enabled plugin requires, naming it", async () => {
    const result = unwrap(
      await callRoute(runtime, pluginsPage.action, {
        path: "/staff/settings/plugins",
        cookie: admin.cookie,
        headers: { "Accept-Language": "en" },
        form: { intent: "disable", pluginId: "base" },
      }),
    );
    expect(result.status).toBe(409);
    expect((result.data as { error: string }).error).toBe(
      "Medical Records cannot be disabled because E-prescriptions still needs it. Disable E-prescriptions first.",
    );
    expect(await runtime.registry.isEnabled(runtime.db, "base")).toBe(true);
  });

  it("disables in the right order, and will not enable a plugin whose requirement is off", async () => {
    for (const pluginId of ["addon", "base"]) {
      const response = await callRoute(runtime, pluginsPage.action, { path: "/staff/settings/plugins", cookie: admin.cookie, form: { intent: "disable", pluginId } });
      expect(location(response)).toBe(`/staff/settings/plugins?notice=disabled&plugin=${pluginId}`);
    }
    const refused = unwrap(
      await callRoute(runtime, pluginsPage.action, { path: "/staff/settings/plugins", cookie: admin.cookie, form: { intent: "enable", pluginId: "addon" } }),
    );
    expect(refused.status).toBe(409);
    expect((refused.data as { error: string }).error).toBe("Resep Elektronik membutuhkan Rekam Medis. Aktifkan Rekam Medis terlebih dahulu.");
    expect(await runtime.registry.isEnabled(runtime.db, "addon")).toBe(false);
    for (const pluginId of ["base", "addon"]) {
      await callRoute(runtime, pluginsPage.action, { path: "/staff/settings/plugins", cookie: admin.cookie, form: { intent: "enable", pluginId } });
    }
    expect(await runtime.registry.enabledPluginIds(runtime.db)).toEqual(["base", "addon"]);
  });
});

describe("settings translations", () => {
  it("label every core role and permission in both languages", () => {
    for (const resources of [idStaff, enStaff] as Record<string, Record<string, unknown>>[]) {
      for (const role of coreRoles) expect(typeof resources.roles[role], role).toBe("string");
      for (const permission of Object.keys(corePermissions)) {
        expect(typeof resources.permissions[permission.replaceAll(".", "_")], permission).toBe("string");
      }
    }
  });
});
