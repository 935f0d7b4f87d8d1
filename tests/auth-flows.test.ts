import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountEmailQueue } from "../app/core/auth/account-emails.server.ts";
import { signInLimits } from "../app/core/auth/rate-limit.server.ts";
import { startRuntime, type AppRuntime } from "../app/core/runtime/runtime.server.ts";
import * as acceptInvitation from "../app/routes/auth/accept-invitation.tsx";
import * as login from "../app/routes/auth/login.tsx";
import * as logout from "../app/routes/auth/logout.ts";
import * as register from "../app/routes/auth/register.tsx";
import * as resetPassword from "../app/routes/auth/reset-password.tsx";
import * as forgotPassword from "../app/routes/auth/forgot-password.tsx";
import * as verifyEmail from "../app/routes/auth/verify-email.tsx";
import * as staffPartner from "../app/routes/staff/partner.tsx";
import * as portalProfile from "../app/routes/portal/profile.tsx";
import * as portalPassword from "../app/routes/portal/password.tsx";
import * as staffLayout from "../app/routes/staff/layout.tsx";
import * as usersPage from "../app/routes/staff/settings.users.tsx";
import * as portalLayout from "../app/routes/portal/layout.tsx";
import { auditLog, contacts, messages, users } from "../db/schema/index.ts";
import { callRoute, createCustomer, createPartnerOrg, createStaff, createTestApp, testPassword, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app.close());

function cookieOf(response: unknown) {
  const header = (response as Response).headers.get("Set-Cookie") ?? "";
  return header.split(";")[0];
}

async function lastEmailTo(address: string) {
  // account e-mails are looked up and rendered by a job (issue 12, 9b)
  await runtime.jobs.drain(accountEmailQueue);
  const [message] = await runtime.db.select().from(messages).where(eq(messages.recipient, address)).orderBy(desc(messages.createdAt)).limit(1);
  return message;
}

function linkIn(text: string | null, path: string) {
  const match = text?.match(new RegExp(`https?://[^\\s]+${path.replace("/", "\\/")}\\?token=[^\\s]+`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return new URL(match[0]);
}

describe("customer registration", () => {
  const email = "siti.rahayu@contoh.id";

  it("rejects bad input with translated keys and creates nothing", async () => {
    const result = unwrap(
      await callRoute(runtime, register.action, { path: "/portal/register", form: { name: "S", email: "bukan-email", phone: "12345", password: "pendek", confirmPassword: "lain" } }),
    );
    expect(result.status).toBe(400);
    const errors = (result.data as { error: Record<string, string[]> }).error;
    expect(errors.email).toEqual(["validation.email"]);
    expect(errors.phone).toEqual(["validation.phone"]);
    expect(errors.password).toEqual(["validation.tooShort|10"]);
    expect(errors.consent).toEqual(["validation.consentRequired"]);
    expect(await runtime.db.select().from(users).where(eq(users.kind, "customer"))).toHaveLength(0);
  });

  it("registers, e-mails a verification link in the chosen language, and only then allows sign-in", async () => {
    const response = await callRoute(runtime, register.action, {
      path: "/portal/register",
      headers: { "Accept-Language": "id-ID,id;q=0.9" },
      form: { name: "Siti Rahayu", email: "Siti.Rahayu@Contoh.id", phone: "0812-1111-2222", password: "kata sandi panjang", confirmPassword: "kata sandi panjang", consent: "on" },
    });
    expect((response as Response).status).toBe(302);
    const [user] = await runtime.db.select().from(users).where(and(eq(users.kind, "customer"), eq(users.email, email)));
    expect(user.emailVerifiedAt).toBeNull();
    const [contact] = await runtime.db.select().from(contacts).where(eq(contacts.id, user.contactId!));
    expect(contact.phone).toBe("+6281211112222");

    const blocked = unwrap(await callRoute(runtime, login.action, { path: "/portal/login", form: { email, password: "kata sandi panjang" } }));
    expect((blocked.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:signIn.errors.unverified"]);

    const mail = await lastEmailTo(email);
    expect(mail.subject).toBe("Verifikasi e-mail akun Nusa CRM Anda");
    expect(mail.bodyText).toContain("Halo Siti Rahayu");
    const link = linkIn(mail.bodyText, "/portal/verify");
    const verified = (await callRoute(runtime, verifyEmail.loader, { path: link.pathname + link.search })) as Response;
    expect(verified.headers.get("Location")).toBe("/portal/login?notice=verified");
    // a used link does nothing the second time
    const again = unwrap(await callRoute(runtime, verifyEmail.loader, { path: link.pathname + link.search }));
    expect((again.data as { state: string }).state).toBe("invalid");

    const signedIn = (await callRoute(runtime, login.action, { path: "/portal/login", form: { email, password: "kata sandi panjang" } })) as Response;
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/portal");
    const cookie = cookieOf(signedIn);
    const profile = unwrap(await callRoute(runtime, portalProfile.loader, { path: "/portal/profile", cookie }));
    expect((profile.data as { profile: { fullName: string } }).profile.fullName).toBe("Siti Rahayu");
  });

  it("answers a second registration with the same address the same way, and tells the owner instead", async () => {
    const response = (await callRoute(runtime, register.action, {
      path: "/portal/register",
      headers: { "Accept-Language": "en-US" },
      form: { name: "Someone Else", email, password: "another long password", confirmPassword: "another long password", consent: "on" },
    })) as Response;
    expect(response.status).toBe(302);
    expect(await runtime.db.select().from(users).where(and(eq(users.kind, "customer"), eq(users.email, email)))).toHaveLength(1);
    const mail = await lastEmailTo(email);
    expect(mail.template).toBe("auth.account-exists");
    // the owner's saved language wins over the stranger's browser
    expect(mail.locale).toBe("id");
  });
});

describe("sign-in", () => {
  it("keeps each portal to its own kind of user", async () => {
    const staff = await createStaff(runtime, { roles: ["agent"] });
    const asCustomer = unwrap(await callRoute(runtime, login.action, { path: "/portal/login", form: { email: staff.email, password: testPassword } }));
    expect(asCustomer.status).toBe(400);
    const customer = await createCustomer(runtime);
    const intoStaff = (await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: customer.cookie })) as Response;
    expect(intoStaff.status).toBe(302);
    expect(intoStaff.headers.get("Location")).toMatch(/^\/staff\/login/);
  });

  it("never redirects out of the portal after sign-in", async () => {
    const customer = await createCustomer(runtime);
    for (const redirectTo of ["https://evil.example", "//evil.example", "/staff/settings/users"]) {
      const response = (await callRoute(runtime, login.action, { path: "/portal/login", form: { email: customer.email, password: testPassword, redirectTo } })) as Response;
      expect(response.headers.get("Location")).toBe("/portal");
    }
  });

  it("rotates the session: an id known before sign-in is worthless after it", async () => {
    const customer = await createCustomer(runtime);
    const before = customer.cookie;
    const response = (await callRoute(runtime, login.action, { path: "/portal/login", cookie: before, form: { email: customer.email, password: testPassword } })) as Response;
    const after = cookieOf(response);
    expect(after).not.toBe(before);
    expect(((await callRoute(runtime, portalLayout.loader, { path: "/portal", cookie: before })) as Response).status).toBe(302);
    expect(unwrap(await callRoute(runtime, portalLayout.loader, { path: "/portal", cookie: after })).status).toBe(200);
  });

  it("locks an account after repeated failures, across instances, even for the right password", async () => {
    const staff = await createStaff(runtime);
    for (let i = 0; i < signInLimits.perAccount; i++) {
      await callRoute(runtime, login.action, { path: "/staff/login", form: { email: staff.email, password: "salah sekali" } });
    }
    // a second app process on the same database: the count lives in the database, not in memory
    const other = await startRuntime({ config: runtime.config, logger: runtime.logger, plugins: [], database: runtime.database, workers: false });
    const result = unwrap(await callRoute(other, login.action, { path: "/staff/login", form: { email: staff.email, password: testPassword } }));
    await other.stop();
    expect(result.status).toBe(429);
    expect((result.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:signIn.errors.rateLimited"]);
    const failures = await runtime.db.select().from(auditLog).where(eq(auditLog.action, "auth.sign_in_failed"));
    expect(failures.length).toBeGreaterThanOrEqual(signInLimits.perAccount);
  });

  it("audits sign-ins and sign-outs, and sign-out ends the session", async () => {
    const staff = await createStaff(runtime);
    const response = (await callRoute(runtime, login.action, { path: "/staff/login", form: { email: staff.email, password: testPassword } })) as Response;
    const cookie = cookieOf(response);
    const out = (await callRoute(runtime, logout.action, { path: "/logout", method: "POST", cookie })) as Response;
    expect(out.headers.get("Location")).toBe("/staff/login?notice=signedOut");
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })) as Response).status).toBe(302);
    const actions = (await runtime.db.select().from(auditLog).where(eq(auditLog.entityId, staff.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["auth.signed_in", "auth.signed_out"]));
  });
});

describe("password reset and change", () => {
  it("resets by e-mailed link, once, and signs out every other session", async () => {
    const customer = await createCustomer(runtime);
    const sent = unwrap(await callRoute(runtime, forgotPassword.action, { path: "/forgot-password?portal=portal", form: { email: customer.email } }));
    expect((sent.data as { sent: boolean }).sent).toBe(true);
    const link = linkIn((await lastEmailTo(customer.email)).bodyText, "/reset-password");
    const token = link.searchParams.get("token")!;
    // opening the link does not use it up
    expect((unwrap(await callRoute(runtime, resetPassword.loader, { path: link.pathname + link.search })).data as { valid: boolean }).valid).toBe(true);
    const done = (await callRoute(runtime, resetPassword.action, { path: "/reset-password", form: { token, password: "sandi baru yang panjang", confirmPassword: "sandi baru yang panjang" } })) as Response;
    expect(done.headers.get("Location")).toBe("/portal/login?notice=passwordReset");
    expect(((await callRoute(runtime, portalLayout.loader, { path: "/portal", cookie: customer.cookie })) as Response).status).toBe(302);
    const reused = unwrap(await callRoute(runtime, resetPassword.action, { path: "/reset-password", form: { token, password: "lagi yang panjang sekali", confirmPassword: "lagi yang panjang sekali" } }));
    expect(reused.status).toBe(400);
  });

  it("says the same for an unknown address and sends nothing", async () => {
    const before = (await runtime.db.select().from(messages)).length;
    const sent = unwrap(await callRoute(runtime, forgotPassword.action, { path: "/forgot-password", form: { email: "tidak.ada@contoh.id" } }));
    expect((sent.data as { sent: boolean }).sent).toBe(true);
    expect((await runtime.db.select().from(messages)).length).toBe(before);
  });

  it("changes the password only with the current one, keeping this device signed in", async () => {
    const customer = await createCustomer(runtime);
    const wrong = unwrap(await callRoute(runtime, portalPassword.action, { path: "/portal/password", cookie: customer.cookie, form: { current: "bukan ini", password: "sandi baru yang panjang", confirmPassword: "sandi baru yang panjang" } }));
    expect((wrong.data as { error: Record<string, string[]> }).error.current).toEqual(["auth:password.wrongPassword"]);
    const ok = (await callRoute(runtime, portalPassword.action, { path: "/portal/password", cookie: customer.cookie, form: { current: testPassword, password: "sandi baru yang panjang", confirmPassword: "sandi baru yang panjang" } })) as Response;
    expect(ok.status).toBe(302);
    expect(((await callRoute(runtime, portalLayout.loader, { path: "/portal", cookie: customer.cookie })) as Response).status).toBe(302);
    expect(unwrap(await callRoute(runtime, portalLayout.loader, { path: "/portal", cookie: cookieOf(ok) })).status).toBe(200);
  });
});

describe("staff invitations", () => {
  it("a new colleague accepts the 7-day invitation in their language, once, and lands in /staff", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"], name: "Siti Admin" });
    await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: admin.cookie,
      form: { intent: "create", name: "Yusuf", email: "yusuf@rsnusa.co.id", roles: ["agent"], branchId: "", language: "id" },
    });
    const mail = await lastEmailTo("yusuf@rsnusa.co.id");
    expect(mail.subject).toBe("Siti Admin mengundang Anda ke Nusa CRM");
    expect(mail.bodyText).toContain("7 hari");
    const link = linkIn(mail.bodyText, "/staff/invitation");
    const token = link.searchParams.get("token")!;
    const page = unwrap(await callRoute(runtime, acceptInvitation.loader, { path: link.pathname + link.search })).data as { kind: string; invitee: { email: string } };
    expect(page).toMatchObject({ kind: "staff", invitee: { email: "yusuf@rsnusa.co.id" } });
    // a staff token is not a partner invitation
    expect((unwrap(await callRoute(runtime, acceptInvitation.loader, { path: `/partner/invitation?token=${token}` })).data as { invitee: unknown }).invitee).toBeNull();
    const form = { token, name: "Yusuf Maulana", password: "kata sandi staf baru", confirmPassword: "kata sandi staf baru" };
    const accepted = (await callRoute(runtime, acceptInvitation.action, { path: "/staff/invitation", form })) as Response;
    expect(accepted.headers.get("Location")).toBe("/staff");
    const [user] = await runtime.db.select().from(users).where(eq(users.email, "yusuf@rsnusa.co.id"));
    expect(user.name).toBe("Yusuf Maulana");
    expect(user.passwordHash).not.toBeNull();
    const again = unwrap(await callRoute(runtime, acceptInvitation.action, { path: "/staff/invitation", form }));
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.data)).toContain("auth:invitation.invalid.staff");
  });

  it("does not let an invitation reopen an account deactivated since", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    await callRoute(runtime, usersPage.action, {
      path: "/staff/settings/users",
      cookie: admin.cookie,
      form: { intent: "create", name: "Eko", email: "eko@rsnusa.co.id", roles: ["agent"], branchId: "", language: "en" },
    });
    const token = linkIn((await lastEmailTo("eko@rsnusa.co.id")).bodyText, "/staff/invitation").searchParams.get("token")!;
    await runtime.db.update(users).set({ active: false }).where(eq(users.email, "eko@rsnusa.co.id"));
    const form = { token, name: "Eko", password: "kata sandi staf baru", confirmPassword: "kata sandi staf baru" };
    expect(unwrap(await callRoute(runtime, acceptInvitation.action, { path: "/staff/invitation", form })).status).toBe(400);
    const [user] = await runtime.db.select().from(users).where(eq(users.email, "eko@rsnusa.co.id"));
    expect(user.passwordHash).toBeNull();
  });
});

describe("partner invitations", () => {
  it("staff invite a partner user, who sets a password and lands in their organisation", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const org = await createPartnerOrg(runtime, { name: "Klinik Sehat Sentosa" });
    const invited = unwrap(
      await callRoute(runtime, staffPartner.action, { path: `/staff/partners/${org.id}`, params: { partnerId: org.id }, cookie: admin.cookie, form: { intent: "invite", name: "Hendra", email: "hendra@klinik.id", language: "en" } }),
    );
    expect((invited.data as { invited: string }).invited).toBe("hendra@klinik.id");
    const mail = await lastEmailTo("hendra@klinik.id");
    expect(mail.subject).toBe("Invitation to the Nusa CRM partner portal for Klinik Sehat Sentosa");
    const link = linkIn(mail.bodyText, "/partner/invitation");
    const accepted = (await callRoute(runtime, acceptInvitation.action, {
      path: "/partner/invitation",
      form: { token: link.searchParams.get("token")!, name: "Hendra Gunawan", password: "rahasia klinik sehat", confirmPassword: "rahasia klinik sehat" },
    })) as Response;
    expect(accepted.headers.get("Location")).toBe("/partner");
    const [user] = await runtime.db.select().from(users).where(eq(users.email, "hendra@klinik.id"));
    expect(user.partnerOrgId).toBe(org.id);
    expect(user.name).toBe("Hendra Gunawan");
  });

  it("an agent without core.partner.manage cannot invite", async () => {
    const agent = await createStaff(runtime, { roles: ["agent"] });
    const org = await createPartnerOrg(runtime);
    const result = (await callRoute(runtime, staffPartner.action, { path: `/staff/partners/${org.id}`, params: { partnerId: org.id }, cookie: agent.cookie, form: { intent: "invite", name: "X Y", email: "x@y.id", language: "id" } })) as Response;
    expect(result.status).toBe(403);
    expect(await runtime.db.select().from(users).where(eq(users.email, "x@y.id"))).toHaveLength(0);
  });
});
