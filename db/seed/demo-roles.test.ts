// The demo doctor and cashier hold only their job's role (issue 15): the cashier of a Bandung store
// reads no patient, referral or appointment and sees no hospital menu; the doctor opens no retail
// page. And a demo database seeded when both held `agent` is upgraded once, duplicating nothing.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPermissions } from "../../app/core/permissions/permissions.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import * as contactPage from "../../app/routes/staff/contact.tsx";
import * as contactsPage from "../../app/routes/staff/contacts.tsx";
import * as dashboardPage from "../../app/routes/staff/dashboard.tsx";
import * as staffLayout from "../../app/routes/staff/layout.tsx";
import * as appointmentsPage from "../../plugins/hospital-appointments/routes/staff.appointments.tsx";
import * as doctorDayPage from "../../plugins/hospital-appointments/routes/staff.appointments.doctor.tsx";
import * as referralsPage from "../../plugins/hospital-referrals/routes/staff.referrals.tsx";
import { installedPlugins } from "../../plugins/index.ts";
import * as loyaltyPage from "../../plugins/retail-loyalty/routes/staff.loyalty.tsx";
import * as vouchersPage from "../../plugins/retail-loyalty/routes/staff.vouchers.tsx";
import * as productsPage from "../../plugins/retail-pos/routes/staff.products.tsx";
import { callRoute, createTestApp, signedInCookie, unwrap } from "../../tests/support/test-app.ts";
import { contacts, userRoles, users } from "../schema/index.ts";
import { demoAccounts, seedDemoData } from "./demo.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
const ids = { cashier: "", doctor: "", patient: "", shopper: "" };
const cookies = { cashier: "", doctor: "" };

async function userId(email: string) {
  const [user] = await runtime.db.select({ id: users.id }).from(users).where(and(eq(users.kind, "staff"), eq(users.email, email)));
  return user.id;
}
async function contactId(email: string) {
  const [contact] = await runtime.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.email, email));
  return contact.id;
}
async function rolesOf(id: string) {
  return (await runtime.db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, id))).map((r) => r.roleId).sort();
}
async function permissionsOf(id: string) {
  const scope = await runtime.registry.permissionScope(runtime.db);
  return loadPermissions(runtime.db, id, scope.disabledPlugins, scope.activePluginRoles);
}
type Handler = Parameters<typeof callRoute>[1];
async function status(handler: Handler, cookie: string, path: string, params: Record<string, string> = {}) {
  return unwrap(await callRoute(runtime, handler, { path, cookie, params })).status;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  runtime = app.runtime;
  await seedDemoData(runtime);
  ids.cashier = await userId(demoAccounts.cashier.email);
  ids.doctor = await userId(demoAccounts.doctor.email);
  ids.patient = await contactId(demoAccounts.patient.email);
  ids.shopper = await contactId(demoAccounts.shopper.email);
  cookies.cashier = await signedInCookie(runtime, ids.cashier);
  cookies.doctor = await signedInCookie(runtime, ids.doctor);
});
afterAll(() => app.close());

describe("the demo cashier", () => {
  it("holds only the cashier role: her store's POS and loyalty, member contacts, nothing hospital", async () => {
    expect(await rolesOf(ids.cashier)).toEqual(["cashier"]);
    expect([...(await permissionsOf(ids.cashier))].sort()).toEqual([
      "core.contact.read",
      "core.dashboard.read",
      "retail-loyalty.member.read",
      "retail-loyalty.voucher.burn",
      "retail-pos.sale.read",
    ]);
  });

  it("is refused on the hospital's pages", async () => {
    expect(await status(appointmentsPage.loader, cookies.cashier, "/staff/appointments")).toBe(403);
    expect(await status(doctorDayPage.loader, cookies.cashier, "/staff/appointments/doctor")).toBe(403);
    expect(await status(referralsPage.loader, cookies.cashier, "/staff/referrals")).toBe(403);
  });

  it("cannot read a patient, in the list or on the contact page, but reads a member", async () => {
    expect(await status(contactPage.loader, cookies.cashier, `/staff/contacts/${ids.patient}`, { contactId: ids.patient })).toBe(404);
    expect(await status(contactPage.action, cookies.cashier, `/staff/contacts/${ids.patient}`, { contactId: ids.patient })).toBe(404);
    expect(await status(contactPage.loader, cookies.cashier, `/staff/contacts/${ids.shopper}`, { contactId: ids.shopper })).toBe(200);

    const list = async (q: string) =>
      (unwrap(await callRoute(runtime, contactsPage.loader, { path: `/staff/contacts?q=${encodeURIComponent(q)}`, cookie: cookies.cashier })).data as { contacts: { id: string }[] }).contacts.map((c) => c.id);
    expect(await list("Budi Santoso")).not.toContain(ids.patient);
    expect(await list("3171011207840003")).toEqual([]);
    expect(await list("Ani Yulianti")).toContain(ids.shopper);
  });

  it("sees no hospital entries in her menu nor hospital figures on her dashboard", async () => {
    const layout = unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: cookies.cashier }));
    const nav = JSON.stringify(layout.data);
    expect(nav).not.toContain("/staff/appointments");
    expect(nav).not.toContain("/staff/referrals");
    expect(nav).toContain("/staff/loyalty-vouchers");
    const dashboard = unwrap(await callRoute(runtime, dashboardPage.loader, { path: "/staff", cookie: cookies.cashier }));
    expect(dashboard.status).toBe(200);
    expect(JSON.stringify(dashboard.data)).not.toContain("hospital-");
  });

  it("still opens the POS and loyalty pages she works on", async () => {
    expect(await status(vouchersPage.loader, cookies.cashier, "/staff/loyalty-vouchers")).toBe(200);
    expect(await status(loyaltyPage.loader, cookies.cashier, "/staff/loyalty?q=RK100999")).toBe(200);
    expect(await status(productsPage.loader, cookies.cashier, "/staff/pos/products")).toBe(200);
  });
});

describe("the loyalty page's member look-up", () => {
  it("finds a member for the cashier, but no patient who is not a member (the NIK of one finds nobody)", async () => {
    const found = async (cookie: string, q: string) =>
      (unwrap(await callRoute(runtime, loyaltyPage.loader, { path: `/staff/loyalty?q=${encodeURIComponent(q)}`, cookie })).data as { contact: { id: string } | null }).contact?.id ?? null;
    const [shopper] = await runtime.db.select({ phone: contacts.phone }).from(contacts).where(eq(contacts.id, ids.shopper));
    expect(await found(cookies.cashier, shopper.phone!)).toBe(ids.shopper);
    expect(await found(cookies.cashier, "3171011207840003")).toBeNull();
    // staff who may read patients still find the same person by the same NIK
    const admin = await signedInCookie(runtime, await userId(demoAccounts.admin.email));
    expect(await found(admin, "3171011207840003")).toBe(ids.patient);
  });
});

describe("the demo doctor", () => {
  it("holds only the doctor role: his patients' contacts, appointments and referrals", async () => {
    expect(await rolesOf(ids.doctor)).toEqual(["doctor"]);
    expect([...(await permissionsOf(ids.doctor))].sort()).toEqual([
      "core.contact.read",
      "core.dashboard.read",
      "core.patient.read",
      "hospital-appointments.appointment.read",
      "hospital-referrals.referral.manage",
      "hospital-referrals.referral.read",
    ]);
    expect(await status(doctorDayPage.loader, cookies.doctor, "/staff/appointments/doctor")).toBe(200);
    expect(await status(appointmentsPage.loader, cookies.doctor, "/staff/appointments")).toBe(200);
    expect(await status(referralsPage.loader, cookies.doctor, "/staff/referrals")).toBe(200);
    expect(await status(contactPage.loader, cookies.doctor, `/staff/contacts/${ids.patient}`, { contactId: ids.patient })).toBe(200);
  });

  it("is refused on the retail pages", async () => {
    expect(await status(vouchersPage.loader, cookies.doctor, "/staff/loyalty-vouchers")).toBe(403);
    expect(await status(loyaltyPage.loader, cookies.doctor, "/staff/loyalty")).toBe(403);
    expect(await status(productsPage.loader, cookies.doctor, "/staff/pos/products")).toBe(403);
  });
});

describe("roles of plugins", () => {
  it("grant nothing, core permissions included, while every plugin declaring them is off", async () => {
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", false);
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-pos", false);
    try {
      expect([...(await permissionsOf(ids.cashier))]).toEqual([]);
    } finally {
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-pos", true);
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "retail-loyalty", true);
    }
    // the doctor role comes from both hospital plugins: with one of them on it still counts
    await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "hospital-appointments", false);
    try {
      expect(await permissionsOf(ids.doctor)).toEqual(new Set(["core.contact.read", "core.dashboard.read", "core.patient.read", "hospital-referrals.referral.manage", "hospital-referrals.referral.read"]));
    } finally {
      await runtime.registry.setEnabled(runtime.db, { kind: "system" }, "hospital-appointments", true);
    }
  });

  it("keep an admin's revocation of a core grant across a restart", async () => {
    const { rolePermissions } = await import("../schema/index.ts");
    await runtime.db.delete(rolePermissions).where(and(eq(rolePermissions.roleId, "cashier"), eq(rolePermissions.permissionId, "core.contact.read")));
    await runtime.registry.sync(runtime.db, null);
    expect(await permissionsOf(ids.cashier)).not.toContain("core.contact.read");
    await runtime.db.insert(rolePermissions).values({ roleId: "cashier", permissionId: "core.contact.read" });
  });
});

describe("a demo database from before", () => {
  it("gives the doctor and cashier their own role once, and a second start changes nothing", async () => {
    for (const id of [ids.doctor, ids.cashier]) {
      await runtime.db.delete(userRoles).where(eq(userRoles.userId, id));
      await runtime.db.insert(userRoles).values({ userId: id, roleId: "agent" });
    }
    const before = Number((await runtime.db.select({ n: count() }).from(users))[0].n);
    expect(await seedDemoData(runtime)).toBe(false);
    expect(await rolesOf(ids.doctor)).toEqual(["doctor"]);
    expect(await rolesOf(ids.cashier)).toEqual(["cashier"]);
    expect(await seedDemoData(runtime)).toBe(false);
    expect(await rolesOf(ids.doctor)).toEqual(["doctor"]);
    expect(await rolesOf(ids.cashier)).toEqual(["cashier"]);
    expect(Number((await runtime.db.select({ n: count() }).from(users))[0].n)).toBe(before);
  });

  it("leaves a demo user alone whom an admin gave other roles", async () => {
    await runtime.db.insert(userRoles).values({ userId: ids.cashier, roleId: "marketing" });
    await seedDemoData(runtime);
    expect(await rolesOf(ids.cashier)).toEqual(["cashier", "marketing"]);
    await runtime.db.delete(userRoles).where(and(eq(userRoles.userId, ids.cashier), eq(userRoles.roleId, "marketing")));
  });
});
