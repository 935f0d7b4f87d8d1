import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, messages, sessions, userRoles, users } from "../../../db/schema/index.ts";
import { createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import {
  createStaffUser,
  getStaffUser,
  listStaffUsers,
  resendPasswordLink,
  setStaffUserActive,
  updateStaffUserAccess,
} from "./staff-users.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;

function actorOf(user: { id: string }, permissions: string[] = ["core.user.manage"]) {
  return { kind: "staff" as const, userId: user.id, permissions: new Set(permissions), branchId: null };
}

async function sessionCount(userId: string) {
  return (await runtime.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length;
}

async function rolesOf(userId: string) {
  return (await runtime.db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, userId))).map((r) => r.roleId).sort();
}

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(async () => {
  await app?.close();
});

describe("listing staff users", () => {
  it("returns roles and branch per user, pages by name and filters by name or e-mail", async () => {
    const [branch] = await runtime.db
      .insert(branches)
      .values({ code: "RSJ-01", name: "RS Nusa Jakarta", kind: "hospital" })
      .returning();
    const names = ["Ayu Lestari", "Bagus Santoso", "Citra Dewi"];
    for (const name of names) {
      const u = await createStaff(runtime, { name, roles: name === "Ayu Lestari" ? ["agent", "marketing"] : ["manager"] });
      if (name === "Bagus Santoso") await runtime.db.update(users).set({ branchId: branch.id }).where(eq(users.id, u.id));
    }
    // a patient is not staff and must never appear
    const first = await listStaffUsers(runtime.db, { q: "a", limit: 2 });
    expect(first.users.map((u) => u.name)).toEqual(["Ayu Lestari", "Bagus Santoso"]);
    expect(first.users[0].roles).toEqual(["agent", "marketing"]);
    expect(first.users[1]).toMatchObject({ branchName: "RS Nusa Jakarta", branchCode: "RSJ-01", roles: ["manager"] });
    expect(first.next).not.toBeNull();
    const second = await listStaffUsers(runtime.db, { q: "a", limit: 2, after: first.next });
    expect(second.users.map((u) => u.name)).toEqual(["Citra Dewi"]);
    expect(second.next).toBeNull();

    const byEmail = await listStaffUsers(runtime.db, { q: first.users[0].email.toUpperCase() });
    expect(byEmail.users.map((u) => u.name)).toEqual(["Ayu Lestari"]);
    // wildcards typed by a user are literal characters, not patterns
    expect((await listStaffUsers(runtime.db, { q: "%" })).users).toEqual([]);
  });
});

describe("creating a staff user", () => {
  it("creates the account without a password and e-mails an invitation link", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const result = await createStaffUser(runtime, actorOf(admin), {
      name: "Dewi Anggraini",
      email: "dewi.anggraini@rsnusa.co.id",
      roles: ["agent"],
      branchId: null,
      language: "id",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const user = await getStaffUser(runtime.db, result.userId);
    expect(user).toMatchObject({ name: "Dewi Anggraini", roles: ["agent"], hasPassword: false, active: true, locale: "id" });
    const mail = await runtime.db
      .select()
      .from(messages)
      .where(and(eq(messages.recipient, "dewi.anggraini@rsnusa.co.id"), eq(messages.template, "auth.staff-invitation")));
    expect(mail).toHaveLength(1);
    expect(mail[0].bodyText).toContain("/staff/invitation?token=");
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "user.created"), eq(auditLog.entityId, result.userId)));
    expect(entry.actorUserId).toBe(admin.id);
  });

  it("refuses an address already used by another staff user, and writes nothing", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const existing = await createStaff(runtime, { roles: ["agent"] });
    const before = (await runtime.db.select({ id: messages.id }).from(messages)).length;
    const result = await createStaffUser(runtime, actorOf(admin), {
      name: "Orang Lain",
      email: existing.email,
      roles: [],
      branchId: null,
      language: "en",
    });
    expect(result).toEqual({ ok: false, error: "emailTaken" });
    expect((await runtime.db.select({ id: messages.id }).from(messages)).length).toBe(before);
    expect(await runtime.db.select().from(users).where(eq(users.name, "Orang Lain"))).toHaveLength(0);
  });

  it("lets only an admin hand out the admin role", async () => {
    const manager = await createStaff(runtime, { roles: ["manager"] });
    const result = await createStaffUser(runtime, actorOf(manager), {
      name: "Calon Admin",
      email: "calon.admin@rsnusa.co.id",
      roles: ["admin"],
      branchId: null,
      language: "id",
    });
    expect(result).toEqual({ ok: false, error: "adminOnly" });
  });

  it("rejects unknown roles and branches", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const base = { name: "Eko Prasetyo", email: "eko@rsnusa.co.id", branchId: null, language: "id" as const };
    expect(await createStaffUser(runtime, actorOf(admin), { ...base, roles: ["superuser"] })).toEqual({ ok: false, error: "unknownRole" });
    expect(
      await createStaffUser(runtime, actorOf(admin), { ...base, roles: [], branchId: "00000000-0000-0000-0000-000000000000" }),
    ).toEqual({ ok: false, error: "unknownBranch" });
  });
});

describe("resending the password link", () => {
  it("e-mails a fresh link, in the user's language", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const created = await createStaffUser(runtime, actorOf(admin), { name: "Fajar Nugroho", email: "fajar@rsnusa.co.id", roles: ["agent"], branchId: null, language: "en" });
    if (!created.ok) throw new Error("setup failed");
    expect(await resendPasswordLink(runtime, actorOf(admin), { userId: created.userId, language: "id" })).toEqual({ ok: true });
    const mail = await runtime.db.select({ locale: messages.locale, template: messages.template }).from(messages).where(eq(messages.recipient, "fajar@rsnusa.co.id"));
    // no password chosen yet: a second invitation, not a reset link
    expect(mail).toEqual([
      { locale: "en", template: "auth.staff-invitation" },
      { locale: "en", template: "auth.staff-invitation" },
    ]);
    expect(await resendPasswordLink(runtime, actorOf(admin), { userId: "00000000-0000-0000-0000-000000000000", language: "id" })).toEqual({ ok: false, error: "notFound" });
  });
});

describe("changing roles", () => {
  it("records before and after, and signs the user out everywhere", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(await sessionCount(agent.id)).toBe(1);
    const result = await updateStaffUserAccess(runtime, actorOf(admin), { userId: agent.id, roles: ["manager", "agent"], branchId: null });
    expect(result).toEqual({ ok: true, rolesChanged: true, self: false });
    expect(await rolesOf(agent.id)).toEqual(["agent", "manager"]);
    expect(await sessionCount(agent.id)).toBe(0);
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "role.assigned"), eq(auditLog.entityId, agent.id)));
    expect(entry.data).toEqual({ before: ["agent"], after: ["agent", "manager"] });
  });

  it("keeps sessions when only the branch changes", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const [branch] = await runtime.db.insert(branches).values({ code: "TK-SBY", name: "Toko Surabaya", kind: "store" }).returning();
    const result = await updateStaffUserAccess(runtime, actorOf(admin), { userId: agent.id, roles: ["agent"], branchId: branch.id });
    expect(result).toEqual({ ok: true, rolesChanged: false, self: false });
    expect((await getStaffUser(runtime.db, agent.id))?.branchId).toBe(branch.id);
    expect(await sessionCount(agent.id)).toBe(1);
  });

  it("does not let an admin remove their own admin role", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    await createStaff(runtime, { roles: ["admin"] });
    const result = await updateStaffUserAccess(runtime, actorOf(admin), { userId: admin.id, roles: ["manager"], branchId: null });
    expect(result).toEqual({ ok: false, error: "selfAdminRemoval" });
    expect(await rolesOf(admin.id)).toEqual(["admin"]);
    expect(await sessionCount(admin.id)).toBe(1);
  });

  it("tells the caller when they changed their own roles", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const result = await updateStaffUserAccess(runtime, actorOf(admin), { userId: admin.id, roles: ["admin", "marketing"], branchId: null });
    expect(result).toEqual({ ok: true, rolesChanged: true, self: true });
    expect(await sessionCount(admin.id)).toBe(0);
  });

  it("stops a non-admin with user rights from granting or taking away admin", async () => {
    const manager = await createStaff(runtime, { roles: ["manager"] });
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const actor = actorOf(manager);
    expect(await updateStaffUserAccess(runtime, actor, { userId: manager.id, roles: ["manager", "admin"], branchId: null })).toEqual({
      ok: false,
      error: "adminOnly",
    });
    expect(await updateStaffUserAccess(runtime, actor, { userId: admin.id, roles: [], branchId: null })).toEqual({ ok: false, error: "adminOnly" });
    expect(await rolesOf(admin.id)).toEqual(["admin"]);
  });

  it("answers notFound for an unknown id", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    expect(await updateStaffUserAccess(runtime, actorOf(admin), { userId: "nope", roles: [], branchId: null })).toEqual({ ok: false, error: "notFound" });
  });
});

describe("deactivating", () => {
  it("signs the user out, and reactivating lets them back", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(await setStaffUserActive(runtime, actorOf(admin), { userId: agent.id, active: false })).toEqual({ ok: true, changed: true });
    expect(await sessionCount(agent.id)).toBe(0);
    expect((await getStaffUser(runtime.db, agent.id))?.active).toBe(false);
    expect(await setStaffUserActive(runtime, actorOf(admin), { userId: agent.id, active: true })).toEqual({ ok: true, changed: true });
    expect((await getStaffUser(runtime.db, agent.id))?.active).toBe(true);
    const actions = (await runtime.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, agent.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["user.deactivated", "user.reactivated"]));
  });

  it("refuses to deactivate oneself", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    expect(await setStaffUserActive(runtime, actorOf(admin), { userId: admin.id, active: false })).toEqual({ ok: false, error: "selfDeactivation" });
    expect(await sessionCount(admin.id)).toBe(1);
  });

  it("never leaves the organisation without an active admin", async () => {
    // a fresh database: one active admin, and one admin who has been deactivated
    const solo = await createTestApp();
    try {
      const only = await createStaff(solo.runtime, { roles: ["admin"] });
      const former = await createStaff(solo.runtime, { roles: ["admin"] });
      await solo.runtime.db.update(users).set({ active: false }).where(eq(users.id, former.id));
      const actor = actorOf(former);
      expect(await updateStaffUserAccess(solo.runtime, actor, { userId: only.id, roles: ["manager"], branchId: null })).toEqual({
        ok: false,
        error: "lastAdmin",
      });
      expect(await setStaffUserActive(solo.runtime, actor, { userId: only.id, active: false })).toEqual({ ok: false, error: "lastAdmin" });
      // with a second active admin the same change is allowed
      await createStaff(solo.runtime, { roles: ["admin"] });
      expect(await setStaffUserActive(solo.runtime, actor, { userId: only.id, active: false })).toEqual({ ok: true, changed: true });
    } finally {
      await solo.close();
    }
  });
});
