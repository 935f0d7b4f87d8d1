import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedT } from "../../app/core/i18n/i18n.server.ts";
import { pluginRoutes } from "../../app/core/plugins/plugin-routes.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import * as staffLayout from "../../app/routes/staff/layout.tsx";
import * as dashboard from "../../app/routes/staff/dashboard.tsx";
import { auditLog, permissions, rolePermissions, roles } from "../../db/schema/index.ts";
import testGreetings from "../fixtures/plugins/test-greetings/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import { contactPingedEvent } from "../fixtures/plugins/test-greetings/events.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp({ plugins: [testGreetings] });
  runtime = app.runtime;
});
afterAll(() => app.close());

const id = "test-greetings";
const system = { kind: "system" } as const;

async function auditActions(action: string) {
  return runtime.db.select().from(auditLog).where(eq(auditLog.action, action));
}

describe("a plugin's contributions", () => {
  it("mounts its routes below their portal", () => {
    const entries = pluginRoutes([testGreetings], "staff", "../tests/fixtures/plugins");
    expect(entries).toEqual([
      expect.objectContaining({ path: "greetings", file: "../tests/fixtures/plugins/test-greetings/routes/staff.greetings.tsx", id: "plugin:test-greetings:staff:greetings" }),
    ]);
    expect(pluginRoutes([testGreetings], "portal")).toEqual([]);
    expect(runtime.registry.routeOwner("/staff/greetings")).toBe(id);
    expect(runtime.registry.routeOwner("/staff/greetings.data")).toBe(id);
    expect(runtime.registry.routeOwner("/staff/greetings/42")).toBe(id);
    expect(runtime.registry.routeOwner("/staff/greetingsx")).toBeNull();
  });

  it("adds its permissions, its role and the default grants", async () => {
    const perms = await runtime.db.select().from(permissions).where(eq(permissions.pluginId, id));
    expect(perms.map((p) => p.id).sort()).toEqual(["test-greetings.greeting.manage", "test-greetings.greeting.read"]);
    expect(await runtime.db.select().from(roles).where(eq(roles.id, "greeter"))).toHaveLength(1);
    const grants = await runtime.db.select().from(rolePermissions).where(eq(rolePermissions.permissionId, "test-greetings.greeting.read"));
    expect(grants.map((g) => g.roleId).sort()).toEqual(["agent", "greeter"]);
  });

  it("does not re-grant a default an admin took away, on the next start", async () => {
    await runtime.db.delete(rolePermissions).where(eq(rolePermissions.permissionId, "test-greetings.greeting.manage"));
    await runtime.registry.sync(runtime.db, null);
    expect(await runtime.db.select().from(rolePermissions).where(eq(rolePermissions.permissionId, "test-greetings.greeting.manage"))).toHaveLength(0);
    await runtime.db.insert(rolePermissions).values({ roleId: "manager", permissionId: "test-greetings.greeting.manage" });
  });

  it("shows its nav entry only to staff with the permission, translated", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const marketing = await createStaff(runtime, { roles: ["marketing"] });
    const navOf = async (cookie: string, lang: string) =>
      (unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie, headers: { "Accept-Language": lang } })).data as { nav: { to: string; label: string }[] }).nav;
    expect(await navOf(agent.cookie, "id")).toContainEqual({ to: "/staff/greetings", label: "Sapaan", end: false, group: "Layanan" });
    expect(await navOf(agent.cookie, "en")).toContainEqual({ to: "/staff/greetings", label: "Greetings", end: false, group: "Service" });
    expect((await navOf(marketing.cookie, "id")).map((n) => n.to)).not.toContain("/staff/greetings");
  });

  it("renders its dashboard widget, contact panel and timeline entries from view models", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const contact = await createContact(runtime, { fullName: "Wulan Sari" });
    const board = unwrap(await callRoute(runtime, dashboard.loader, { path: "/staff", cookie: agent.cookie }));
    expect((board.data as { widgets: unknown[] }).widgets).toEqual([{ id: "test-greetings:greetable", view: { kind: "stat", title: "Kontak yang bisa disapa", value: expect.any(String) } }]);

    const enabled = await runtime.registry.enabledPluginIds(runtime.db);
    const perms = new Set(["test-greetings.greeting.read"]);
    const ctx = { db: runtime.db, actor: { kind: "staff" as const, userId: agent.id, permissions: perms, branchId: null }, language: "en" as const, t: fixedT("en", id) };
    const [panel] = runtime.registry.contactPanels(enabled, perms);
    expect(await panel.load(contact.id, ctx)).toEqual({ title: "Greeting", rows: [{ label: "Say", value: "Hello, Wulan Sari!" }] });
    const [source] = runtime.registry.timelineSources(enabled, perms);
    const entries = await source.list(contact.id, { before: new Date(), limit: 10 }, ctx);
    expect(entries[0].view.title).toBe("Greeting sent");
    expect(runtime.registry.contactPanels(enabled, new Set())).toEqual([]);
  });

  it("handles core events through the bus, exactly once", async () => {
    const contact = await createContact(runtime);
    await runtime.db.transaction((tx) => runtime.bus.emit(tx, contactPingedEvent, { contactId: contact.id }));
    await runtime.jobs.drain();
    await runtime.jobs.drain();
    const greeted = (await auditActions("test-greetings.greeted")).filter((a) => a.entityId === contact.id);
    expect(greeted).toHaveLength(1);
  });

  it("runs its jobs on the shared queue", async () => {
    await runtime.jobs.send("test-greetings.daily-greeting", {});
    expect(await runtime.jobs.drain("test-greetings.daily-greeting")).toBe(1);
    expect(await auditActions("test-greetings.job_ran")).toHaveLength(1);
  });

  it("validates and saves its settings with its own schema", async () => {
    const bad = await runtime.registry.saveSettings(runtime.db, system, id, { greeting: "", loud: true });
    expect(bad.ok).toBe(false);
    expect(await runtime.registry.settings(runtime.db, id)).toEqual({});
    const good = await runtime.registry.saveSettings(runtime.db, system, id, { greeting: "Selamat pagi", loud: false });
    expect(good.ok).toBe(true);
    expect(await runtime.registry.settings(runtime.db, id)).toEqual({ greeting: "Selamat pagi", loud: false });
  });
});

describe("a disabled plugin", () => {
  it("loses its nav, panels, widgets and permissions, its handlers and jobs stop, and its data stays", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    await runtime.registry.setEnabled(runtime.db, system, id, false);
    try {
      const nav = (unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: agent.cookie })).data as { nav: { to: string }[] }).nav;
      expect(nav.map((n) => n.to)).not.toContain("/staff/greetings");
      const board = unwrap(await callRoute(runtime, dashboard.loader, { path: "/staff", cookie: agent.cookie }));
      expect((board.data as { widgets: unknown[] }).widgets).toEqual([]);
      const enabled = await runtime.registry.enabledPluginIds(runtime.db);
      const all = new Set(["test-greetings.greeting.read"]);
      expect(runtime.registry.contactPanels(enabled, all)).toEqual([]);
      expect(runtime.registry.timelineSources(enabled, all)).toEqual([]);
      // a staff member's permissions no longer include the plugin's
      const session = await callRoute(runtime, async ({ context }) => context.auth, { path: "/staff", cookie: agent.cookie });
      expect((session as { actor: { permissions: Set<string> } }).actor.permissions.has("test-greetings.greeting.read")).toBe(false);

      const contact = await createContact(runtime);
      await runtime.db.transaction((tx) => runtime.bus.emit(tx, contactPingedEvent, { contactId: contact.id }));
      await runtime.jobs.drain();
      expect((await auditActions("test-greetings.greeted")).filter((a) => a.entityId === contact.id)).toHaveLength(0);

      const before = (await auditActions("test-greetings.job_ran")).length;
      await runtime.jobs.send("test-greetings.daily-greeting", {});
      await runtime.jobs.drain("test-greetings.daily-greeting");
      expect(await auditActions("test-greetings.job_ran")).toHaveLength(before);

      expect(await runtime.registry.settings(runtime.db, id)).toEqual({ greeting: "Selamat pagi", loud: false });
    } finally {
      await runtime.registry.setEnabled(runtime.db, system, id, true);
    }
    const actions = (await runtime.db.select().from(auditLog).where(eq(auditLog.entityId, id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["plugin.disabled", "plugin.enabled"]));
  });
});
