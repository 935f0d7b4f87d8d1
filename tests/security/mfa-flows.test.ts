import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { stepUpWindowMs } from "../../app/core/auth/guards.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import * as accountSecurity from "../../app/routes/auth/account-security.tsx";
import * as confirmIdentity from "../../app/routes/auth/confirm-identity.tsx";
import * as enrol from "../../app/routes/auth/enrol.tsx";
import * as login from "../../app/routes/auth/login.tsx";
import * as secondFactor from "../../app/routes/auth/second-factor.tsx";
import * as contactsExport from "../../app/routes/staff/contacts.export.ts";
import * as settingsSecurity from "../../app/routes/staff/settings.security.tsx";
import * as staffLayout from "../../app/routes/staff/layout.tsx";
import * as partnerLayout from "../../app/routes/partner/layout.tsx";
import { auditLog, sessions, userBackupCodes } from "../../db/schema/index.ts";
import { startSession, resolveRequestAuth } from "../../app/core/auth/session.server.ts";
import { callRoute, createCustomer, createPartnerOrg, createPartnerUser, createStaff, createTestApp, testOrigin, testPassword, unwrap } from "../support/test-app.ts";
import { fromBase32, independentTotp } from "../support/totp-reference.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app.close());
afterEach(() => vi.useRealTimers());

function cookieOf(response: unknown) {
  return ((response as Response).headers.get("Set-Cookie") ?? "").split(";")[0];
}
function location(response: unknown) {
  return (response as Response).headers.get("Location");
}
const codeAt = (secret: string, ms = Date.now()) => independentTotp(fromBase32(secret), Math.floor(ms / 1000));

async function signInWithPassword(portal: "staff" | "partner", email: string) {
  const response = await callRoute(runtime, login.action, { path: `/${portal}/login`, form: { email, password: testPassword, redirectTo: `/${portal}/contacts` } });
  return { response: response as Response, cookie: cookieOf(response) };
}

/** Signs in and enrols TOTP; returns the secret, the backup codes and a full session cookie. */
async function enrolled(roles = ["agent"]) {
  const staff = await createStaff(runtime, { roles });
  const { cookie } = await signInWithPassword("staff", staff.email);
  const page = unwrap(await callRoute(runtime, enrol.loader, { path: "/staff/login/enrol", cookie }));
  const secret = (page.data as { secret: string }).secret;
  const done = unwrap(await callRoute(runtime, enrol.action, { path: "/staff/login/enrol", cookie, form: { code: codeAt(secret) } }));
  return { staff, secret, cookie, backupCodes: (done.data as { backupCodes: string[] }).backupCodes };
}

describe("a second factor required by role", () => {
  it("the default rule is data: admin and every role holding a sensitive permission", async () => {
    const page = unwrap(await callRoute(runtime, settingsSecurity.loader, { path: "/staff/settings/security", cookie: (await createStaff(runtime, { roles: ["admin"] })).cookie }));
    const { defaults, isDefault } = page.data as { defaults: string[]; isDefault: boolean };
    expect(isDefault).toBe(true);
    // agent/manager/marketing read contacts (patients' NIK and BPJS numbers); no plugins here, so no doctor/frontdesk
    expect(defaults).toEqual(["admin", "agent", "manager", "marketing"]);
  });

  it("forces enrolment at sign-in; until then the session opens nothing", async () => {
    const staff = await createStaff(runtime, { roles: ["agent"] });
    const { response, cookie } = await signInWithPassword("staff", staff.email);
    expect(location(response)).toBe("/staff/login/enrol?redirectTo=%2Fstaff%2Fcontacts");
    expect(response.headers.get("Set-Cookie")).toContain("Max-Age=1800");
    const blocked = (await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })) as Response;
    expect(blocked.status).toBe(302);
    expect(location(blocked)).toMatch(/^\/staff\/login/);

    const page = unwrap(await callRoute(runtime, enrol.loader, { path: "/staff/login/enrol?redirectTo=%2Fstaff%2Fcontacts", cookie }));
    const { secret, qr } = page.data as { secret: string; qr: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(qr).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(qr.split(",")[1], "base64").toString()).toContain("<svg");

    const wrong = unwrap(await callRoute(runtime, enrol.action, { path: "/staff/login/enrol", cookie, form: { code: "000000" === codeAt(secret) ? "111111" : "000000" } }));
    expect(wrong.status).toBe(400);
    const done = unwrap(await callRoute(runtime, enrol.action, { path: "/staff/login/enrol", cookie, form: { code: codeAt(secret) } }));
    const codes = (done.data as { backupCodes: string[] }).backupCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // stored hashed only
    const stored = await runtime.db.select().from(userBackupCodes).where(eq(userBackupCodes.userId, staff.id));
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(codes.map((c) => c.replaceAll("-", ""))).not.toContain(row.codeHash);
    expect(unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })).status).toBe(200);
  });

  it("asks an enrolled user for the code at the next sign-in; a code is accepted once", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-07T01:00:05Z") });
    const { staff, secret } = await enrolled();
    vi.setSystemTime(new Date("2026-12-07T01:00:40Z")); // the next 30-second step
    const { response, cookie } = await signInWithPassword("staff", staff.email);
    expect(location(response)).toBe("/staff/login/second-factor?redirectTo=%2Fstaff%2Fcontacts");
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })) as Response).status).toBe(302);
    const bad = unwrap(await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie, form: { code: "12345x" } }));
    expect(bad.status).toBe(400);
    const code = codeAt(secret);
    const ok = (await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie, form: { code, redirectTo: "/staff/contacts" } })) as Response;
    expect(location(ok)).toBe("/staff/contacts");
    expect(unwrap(await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })).status).toBe(200);
    // the same code again, on another sign-in within its step: refused (replay)
    const again = await signInWithPassword("staff", staff.email);
    const replay = unwrap(await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie: again.cookie, form: { code } }));
    expect(replay.status).toBe(400);
  });

  it("backup codes work once each", async () => {
    const { staff, backupCodes } = await enrolled();
    const first = await signInWithPassword("staff", staff.email);
    const used = (await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie: first.cookie, form: { code: backupCodes[3].toLowerCase() } })) as Response;
    expect(used.status).toBe(302);
    const second = await signInWithPassword("staff", staff.email);
    const reused = unwrap(await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie: second.cookie, form: { code: backupCodes[3] } }));
    expect(reused.status).toBe(400);
    const other = (await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie: second.cookie, form: { code: backupCodes[4] } })) as Response;
    expect(other.status).toBe(302);
    const page = unwrap(await callRoute(runtime, accountSecurity.loader, { path: "/staff/security", cookie: second.cookie }));
    expect((page.data as { factors: { backupCodesLeft: number } }).factors.backupCodesLeft).toBe(8);
  });

  it("limits code guesses to 5 per 15 minutes", async () => {
    const { staff, secret } = await enrolled();
    const { cookie } = await signInWithPassword("staff", staff.email);
    const wrong = String((Number(codeAt(secret)) + 500_000) % 1_000_000).padStart(6, "0");
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(unwrap(await callRoute(runtime, secondFactor.action, { path: "/staff/login/second-factor", cookie, form: { code: wrong } })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it("an admin's choice replaces the default; partner users may enrol but are never forced", async () => {
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const saved = (await callRoute(runtime, settingsSecurity.action, {
      path: "/staff/settings/security",
      cookie: admin.cookie,
      form: { intent: "save", staffIdleMinutes: "30", staffAbsoluteHours: "12", rule: "custom", requiredRoles: ["admin"] },
    })) as Response;
    expect(location(saved)).toBe("/staff/settings/security?notice=saved");
    const agent = await createStaff(runtime, { roles: ["agent"] });
    expect(location((await signInWithPassword("staff", agent.email)).response)).toBe("/staff/contacts");
    const other = await createStaff(runtime, { roles: ["admin", "agent"] });
    expect(location((await signInWithPassword("staff", other.email)).response)).toMatch(/^\/staff\/login\/enrol/);
    const partner = await createPartnerUser(runtime, (await createPartnerOrg(runtime)).id);
    const signedIn = await signInWithPassword("partner", partner.email);
    expect(location(signedIn.response)).toBe("/partner/contacts");
    // and may set up TOTP from their own page
    const setup = unwrap(await callRoute(runtime, accountSecurity.loader, { path: "/partner/security?setup=totp", cookie: signedIn.cookie }));
    const secret = (setup.data as { setup: { secret: string } }).setup.secret;
    const confirmed = unwrap(await callRoute(runtime, accountSecurity.action, { path: "/partner/security", cookie: signedIn.cookie, form: { intent: "confirm-totp", code: codeAt(secret) } }));
    expect((confirmed.data as { backupCodes: string[] }).backupCodes).toHaveLength(10);
    expect(location((await signInWithPassword("partner", partner.email)).response)).toMatch(/^\/partner\/login\/second-factor/);
    // back to the default rule for the other tests
    await callRoute(runtime, settingsSecurity.action, {
      path: "/staff/settings/security",
      cookie: admin.cookie,
      form: { intent: "save", staffIdleMinutes: "30", staffAbsoluteHours: "12", rule: "default" },
    });
  });

  it("an admin's reset of someone's factors is audited and signs them out", async () => {
    const { staff, cookie } = await enrolled();
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const reset = (await callRoute(runtime, settingsSecurity.action, { path: "/staff/settings/security", cookie: admin.cookie, form: { intent: "reset", userId: staff.id } })) as Response;
    expect(location(reset)).toBe("/staff/settings/security?notice=reset");
    const [entry] = await runtime.db.select().from(auditLog).where(eq(auditLog.action, "auth.factors_reset"));
    expect(entry).toMatchObject({ actorUserId: admin.id, entityId: staff.id, data: { totp: true, passkeys: 0, backupCodesLeft: 10 } });
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie })) as Response).status).toBe(302);
    // required by role, so the next sign-in asks for enrolment again
    expect(location((await signInWithPassword("staff", staff.email)).response)).toMatch(/^\/staff\/login\/enrol/);
  });
});

describe("step-up re-authentication", () => {
  it("an export more than 5 minutes after the last proof asks for password and code, then works", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-07T02:00:10Z") });
    const { secret, cookie } = await enrolled(["manager"]);
    const fresh = (await callRoute(runtime, contactsExport.loader, { path: "/staff/contacts/export", cookie })) as Response;
    expect(fresh.status).toBe(200);
    await fresh.body?.cancel();
    vi.setSystemTime(Date.now() + stepUpWindowMs + 1000);
    const stale = (await callRoute(runtime, contactsExport.loader, { path: "/staff/contacts/export?tag=vip", cookie })) as Response;
    expect(stale.status).toBe(302);
    expect(location(stale)).toBe("/staff/login/confirm?redirectTo=%2Fstaff%2Fcontacts%2Fexport%3Ftag%3Dvip");
    const page = unwrap(await callRoute(runtime, confirmIdentity.loader, { path: location(stale)!, cookie }));
    expect((page.data as { askCode: boolean }).askCode).toBe(true);
    const noCode = unwrap(await callRoute(runtime, confirmIdentity.action, { path: location(stale)!, cookie, form: { password: testPassword } }));
    expect(noCode.status).toBe(400);
    const wrongPassword = unwrap(await callRoute(runtime, confirmIdentity.action, { path: location(stale)!, cookie, form: { password: "salah", code: codeAt(secret) } }));
    expect(wrongPassword.status).toBe(400);
    const ok = (await callRoute(runtime, confirmIdentity.action, { path: location(stale)!, cookie, form: { password: testPassword, code: codeAt(secret) } })) as Response;
    expect(location(ok)).toBe("/staff/contacts/export?tag=vip");
    const after = (await callRoute(runtime, contactsExport.loader, { path: "/staff/contacts/export?tag=vip", cookie })) as Response;
    expect(after.status).toBe(200);
    await after.body?.cancel();
  });

  it("never sends back outside the portal", async () => {
    const staff = await createStaff(runtime, { roles: [] });
    const ok = (await callRoute(runtime, confirmIdentity.action, { path: "/staff/login/confirm?redirectTo=//evil.example", cookie: staff.cookie, form: { password: testPassword } })) as Response;
    expect(location(ok)).toBe("/staff");
  });
});

describe("session lifetimes", () => {
  it("a staff session ends after 30 idle minutes; activity keeps it, up to 12 hours in all", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-07T00:00:00Z") });
    const staff = await createStaff(runtime, { roles: [] });
    const open = async () => ((await callRoute(runtime, partnerOrStaff, { path: "/staff", cookie: staff.cookie })) as { status?: number }).status ?? 200;
    const partnerOrStaff = staffLayout.loader;
    // active every 25 minutes: still signed in after 11 h 40 min
    for (let minutes = 25; minutes <= 700; minutes += 25) {
      vi.setSystemTime(new Date(Date.parse("2026-12-07T00:00:00Z") + minutes * 60_000));
      expect(await open(), `at ${minutes} min`).toBe(200);
    }
    vi.setSystemTime(new Date("2026-12-07T12:00:01Z")); // 12 h after sign-in, 20 min after the last request
    expect(await open()).toBe(302);
    expect(await runtime.db.select().from(sessions).where(eq(sessions.userId, staff.id))).toHaveLength(0);

    const idle = await createStaff(runtime, { roles: [] });
    vi.setSystemTime(Date.now() + 29 * 60_000);
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: idle.cookie })) as { status?: number }).status ?? 200).toBe(200);
    vi.setSystemTime(Date.now() + 30 * 60_000 + 1000);
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: idle.cookie })) as Response).status).toBe(302);
  });

  it("the cookie's Max-Age is the time left: 30 min for staff, 30 days for customers, never past the absolute end", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-07T00:00:00Z") });
    const staff = await createStaff(runtime, { roles: [] });
    const customer = await createCustomer(runtime);
    const staffCookie = await startSession(runtime, staff.id, new Request(testOrigin));
    expect(staffCookie).toMatch(/; Max-Age=1800(;|$)/);
    expect(staffCookie).toContain("HttpOnly");
    expect(await startSession(runtime, customer.id, new Request(testOrigin))).toMatch(/; Max-Age=2592000(;|$)/);
    const request = () => new Request(`${testOrigin}/staff`, { headers: { Cookie: staffCookie.split(";")[0] } });
    for (let minutes = 20; minutes <= 680; minutes += 20) {
      vi.setSystemTime(new Date(Date.parse("2026-12-07T00:00:00Z") + minutes * 60_000));
      const { auth, setCookie } = await resolveRequestAuth(runtime, request());
      expect(auth).not.toBeNull();
      expect(setCookie).toMatch(/; Max-Age=1800(;|$)/);
    }
    vi.setSystemTime(new Date("2026-12-07T11:35:00Z")); // 25 minutes before the 12-hour end, less than the idle 30
    expect((await resolveRequestAuth(runtime, request())).setCookie).toMatch(/; Max-Age=1500(;|$)/);
  });

  it("new lifetimes from the admin apply to open sessions", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-07T03:00:00Z") });
    const admin = await createStaff(runtime, { roles: ["admin"] });
    const other = await createStaff(runtime, { roles: [] });
    await callRoute(runtime, settingsSecurity.action, {
      path: "/staff/settings/security",
      cookie: admin.cookie,
      form: { intent: "save", staffIdleMinutes: "10", staffAbsoluteHours: "12", rule: "default" },
    });
    vi.setSystemTime(new Date("2026-12-07T03:11:00Z"));
    expect(((await callRoute(runtime, partnerLayout.loader, { path: "/partner", cookie: other.cookie })) as Response).status).toBe(302);
    expect(((await callRoute(runtime, staffLayout.loader, { path: "/staff", cookie: other.cookie })) as Response).status).toBe(302);
    await callRoute(runtime, settingsSecurity.action, {
      path: "/staff/settings/security",
      cookie: (await createStaff(runtime, { roles: ["admin"] })).cookie,
      form: { intent: "save", staffIdleMinutes: "30", staffAbsoluteHours: "12", rule: "default" },
    });
  });
});
