// A partner organisation's administrator manages its own users (issue 15 item 4): invites a
// colleague, deactivates one (signed out at once, their unused invitation void), invites them
// again, shares the administrator role and edits the organisation's contact details; only within
// their organisation, never on their own account, audited. Other partner users may do none of it.
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountEmailQueue } from "../app/core/auth/account-emails.server.ts";
import type { AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as acceptInvitation from "../app/routes/auth/accept-invitation.tsx";
import * as organisationPage from "../app/routes/partner/organisation.tsx";
import * as usersPage from "../app/routes/partner/users.tsx";
import * as staffPartner from "../app/routes/staff/partner.tsx";
import { auditLog, messages, partnerOrganisations, users } from "../db/schema/index.ts";
import { callRoute, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let klinik: { id: string };
let other: { id: string };
let admin: Awaited<ReturnType<typeof createPartnerUser>>;
let member: Awaited<ReturnType<typeof createPartnerUser>>;
let outsider: Awaited<ReturnType<typeof createPartnerUser>>;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  klinik = await createPartnerOrg(runtime, { name: "Klinik Sehat Sentosa" });
  other = await createPartnerOrg(runtime, { name: "Klinik Lain" });
  admin = await createPartnerUser(runtime, klinik.id);
  await runtime.db.update(users).set({ partnerAdmin: true }).where(eq(users.id, admin.id));
  member = await createPartnerUser(runtime, klinik.id);
  outsider = await createPartnerUser(runtime, other.id);
});
afterAll(() => app.close());

type Reply = { done: { kind: string; name: string } | null; error: string | null; result?: { error?: Record<string, string[]> } };
const post = async (cookie: string, form: Record<string, string>) => unwrap(await callRoute(runtime, usersPage.action, { path: "/partner/users", cookie, form }));
async function userByEmail(email: string) {
  const [user] = await runtime.db.select().from(users).where(and(eq(users.kind, "partner"), eq(users.email, email)));
  return user;
}
async function invitationLink(email: string) {
  await runtime.jobs.drain(accountEmailQueue);
  const [mail] = await runtime.db.select().from(messages).where(eq(messages.recipient, email)).orderBy(desc(messages.createdAt)).limit(1);
  const match = mail?.bodyText?.match(/https?:\/\/\S+\/partner\/invitation\?token=\S+/);
  if (!match) throw new Error(`no invitation link to ${email}`);
  return new URL(match[0]).searchParams.get("token")!;
}
const accept = async (token: string, name: string) =>
  unwrap(await callRoute(runtime, acceptInvitation.action, { path: "/partner/invitation", form: { token, name, password: "kata sandi klinik baru", confirmPassword: "kata sandi klinik baru" } }));
const audits = async (action: string) => runtime.db.select().from(auditLog).where(eq(auditLog.action, action));

describe("a partner administrator", () => {
  it("sees the colleagues with their role and the actions, and the invitation form", async () => {
    const page = unwrap(await callRoute(runtime, usersPage.loader, { path: "/partner/users", cookie: admin.cookie })).data as { admin: boolean; users: { email: string; admin: boolean; you: boolean }[] };
    expect(page.admin).toBe(true);
    expect(page.users.map((u) => u.email).sort()).toEqual([admin.email, member.email].sort());
    expect(page.users.find((u) => u.email === admin.email)).toMatchObject({ admin: true, you: true });
    expect(page.users.find((u) => u.email === member.email)).toMatchObject({ admin: false, you: false });
  });

  it("invites a colleague, who gets the e-mail in their language, accepts and is a user (not an administrator)", async () => {
    const reply = await post(admin.cookie, { intent: "invite", name: "Rudi Hartono", email: "Rudi@KlinikSehat.id", language: "en" });
    expect(reply.status).toBe(200);
    expect((reply.data as Reply).done).toEqual({ kind: "invited", name: "rudi@kliniksehat.id" });
    const rudi = await userByEmail("rudi@kliniksehat.id");
    expect(rudi).toMatchObject({ partnerOrgId: klinik.id, partnerAdmin: false, passwordHash: null, locale: "en" });
    const [entry] = await audits("partner.user_invited");
    expect(entry).toMatchObject({ actorKind: "partner", actorUserId: admin.id, entityId: rudi.id });
    expect((await accept(await invitationLink("rudi@kliniksehat.id"), "Rudi Hartono")).headers?.get("Location")).toBe("/partner");
    // an administrator chosen at the invitation is one from the start
    await post(admin.cookie, { intent: "invite", name: "Sri Wahyuni", email: "sri@kliniksehat.id", language: "id", admin: "on" });
    expect((await userByEmail("sri@kliniksehat.id")).partnerAdmin).toBe(true);
  });

  it("refuses an address of another organisation's user or of a colleague who already has an account, creating nothing", async () => {
    const taken = await post(admin.cookie, { intent: "invite", name: "Orang Lain", email: outsider.email, language: "id" });
    expect(taken.status).toBe(400);
    expect((taken.data as Reply).result?.error?.email).toEqual(["partner:users.errors.otherOrganisation"]);
    expect((await userByEmail(outsider.email)).partnerOrgId).toBe(other.id);
    const again = await post(admin.cookie, { intent: "invite", name: "Rekan", email: member.email, language: "id" });
    expect((again.data as Reply).result?.error?.email).toEqual(["partner:users.errors.alreadyMember"]);
    const bad = await post(admin.cookie, { intent: "invite", name: "", email: "bukan-email", language: "xx" });
    expect(bad.status).toBe(400);
  });

  it("deactivates a colleague: signed out at once, refused at sign-in, and an invitation not yet used no longer works", async () => {
    await post(admin.cookie, { intent: "invite", name: "Tono Pending", email: "tono@kliniksehat.id", language: "id" });
    const token = await invitationLink("tono@kliniksehat.id");
    const tono = await userByEmail("tono@kliniksehat.id");
    expect((await post(admin.cookie, { intent: "deactivate", userId: tono.id })).status).toBe(200);
    expect((await accept(token, "Tono")).status).toBe(400);
    expect((await userByEmail("tono@kliniksehat.id")).active).toBe(false);

    expect(unwrap(await callRoute(runtime, organisationPage.loader, { path: "/partner", cookie: member.cookie })).status).toBe(200);
    const reply = await post(admin.cookie, { intent: "deactivate", userId: member.id });
    expect((reply.data as Reply).done).toEqual({ kind: "deactivate", name: member.name });
    expect(unwrap(await callRoute(runtime, organisationPage.loader, { path: "/partner", cookie: member.cookie })).status).toBe(302);
    expect(await audits("partner.user_deactivated")).toHaveLength(2);
  });

  it("invites a deactivated colleague again: accepting makes them active with a new password", async () => {
    expect((await post(admin.cookie, { intent: "reinvite", userId: member.id })).status).toBe(200);
    expect((await accept(await invitationLink(member.email), member.name)).headers?.get("Location")).toBe("/partner");
    expect((await userByEmail(member.email)).active).toBe(true);
    // an active colleague who has accepted needs no new invitation
    expect(((await post(admin.cookie, { intent: "reinvite", userId: member.id })).data as Reply).error).toBe("partner:users.errors.notReinvitable");
  });

  it("shares and withdraws the administrator role, but never changes their own account", async () => {
    await post(admin.cookie, { intent: "grantAdmin", userId: member.id });
    expect((await userByEmail(member.email)).partnerAdmin).toBe(true);
    await post(admin.cookie, { intent: "withdrawAdmin", userId: member.id });
    expect((await userByEmail(member.email)).partnerAdmin).toBe(false);
    for (const intent of ["deactivate", "withdrawAdmin"]) {
      const own = await post(admin.cookie, { intent, userId: admin.id });
      expect(own.status).toBe(400);
      expect((own.data as Reply).error).toBe("partner:users.errors.self");
    }
    expect(await userByEmail(admin.email)).toMatchObject({ active: true, partnerAdmin: true });
  });

  it("cannot touch a user of another organisation, nor answer 500 to a malformed id", async () => {
    expect((await post(admin.cookie, { intent: "deactivate", userId: outsider.id })).status).toBe(404);
    expect((await userByEmail(outsider.email)).active).toBe(true);
    expect((await post(admin.cookie, { intent: "deactivate", userId: "not-a-uuid" })).status).toBe(400);
    expect((await post(admin.cookie, { intent: "explode", userId: member.id })).status).toBe(400);
  });

  it("edits the organisation's contact details", async () => {
    const saved = unwrap(await callRoute(runtime, organisationPage.action, { path: "/partner", cookie: admin.cookie, form: { email: "info@kliniksehat.id", phone: "021 8564 321", city: "Jakarta Timur" } }));
    expect(saved.status).toBe(200);
    const [org] = await runtime.db.select().from(partnerOrganisations).where(eq(partnerOrganisations.id, klinik.id));
    expect(org).toMatchObject({ email: "info@kliniksehat.id", city: "Jakarta Timur" });
  });
});

describe("a partner user who is not an administrator", () => {
  it("sees the colleagues but may not invite, deactivate or edit the organisation; nothing changes", async () => {
    const member = await createPartnerUser(runtime, klinik.id);
    const page = unwrap(await callRoute(runtime, usersPage.loader, { path: "/partner/users", cookie: member.cookie })).data as { admin: boolean };
    expect(page.admin).toBe(false);
    const invite = await post(member.cookie, { intent: "invite", name: "Penyusup", email: "penyusup@kliniksehat.id", language: "id" });
    expect(invite.status).toBe(403);
    expect(await userByEmail("penyusup@kliniksehat.id")).toBeUndefined();
    expect((await post(member.cookie, { intent: "deactivate", userId: admin.id })).status).toBe(403);
    expect((await userByEmail(admin.email)).active).toBe(true);
    const edit = unwrap(await callRoute(runtime, organisationPage.action, { path: "/partner", cookie: member.cookie, form: { email: "ganti@kliniksehat.id", phone: "", city: "Bogor" } }));
    expect(edit.status).toBe(403);
    const [org] = await runtime.db.select().from(partnerOrganisations).where(eq(partnerOrganisations.id, klinik.id));
    expect(org.city).toBe("Jakarta Timur");
  });
});

describe("staff inviting the first user of an organisation", () => {
  it("makes them its administrator; the next one is a user", async () => {
    const staff = await createStaff(runtime, { roles: ["admin"] });
    const org = await createPartnerOrg(runtime, { name: "Puskesmas Baru" });
    const invite = (email: string) =>
      callRoute(runtime, staffPartner.action, { path: `/staff/partners/${org.id}`, params: { partnerId: org.id }, cookie: staff.cookie, form: { intent: "invite", name: "Petugas", email, language: "id" } });
    await invite("pertama@puskesmas.id");
    await invite("kedua@puskesmas.id");
    expect((await userByEmail("pertama@puskesmas.id")).partnerAdmin).toBe(true);
    expect((await userByEmail("kedua@puskesmas.id")).partnerAdmin).toBe(false);
  });
});
