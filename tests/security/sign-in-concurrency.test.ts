import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../app/core/auth/accounts.server.ts";
import { signInKeys, signInLimits } from "../../app/core/auth/rate-limit.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { loginAttempts } from "../../db/schema/index.ts";
import { createStaff, createTestApp, testPassword } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app.close());

describe("sign-in limits hold under concurrency (issue 12, 9a)", () => {
  it("checks at most 5 of 12 wrong passwords sent in parallel for one account", async () => {
    const staff = await createStaff(runtime);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(runtime, { kind: "staff", email: staff.email, password: `salah-${i}`, ip: `10.0.0.${i}` })),
    );
    const errors = results.map((r) => (r.ok ? "ok" : r.error));
    expect(errors.filter((e) => e === "invalidCredentials")).toHaveLength(signInLimits.perAccount);
    expect(errors.filter((e) => e === "rateLimited")).toHaveLength(12 - signInLimits.perAccount);
    const rows = await runtime.db.select().from(loginAttempts).where(eq(loginAttempts.key, signInKeys("staff", staff.email, null).account));
    expect(rows).toHaveLength(signInLimits.perAccount);
    // and the right password is refused too, until the window passes
    const right = await signIn(runtime, { kind: "staff", email: staff.email, password: testPassword, ip: "10.0.1.1" });
    expect(right).toEqual({ ok: false, error: "rateLimited" });
  });

  it("checks at most 30 attempts from one address in parallel, over many accounts", async () => {
    const ip = "192.0.2.77";
    const emails = Array.from({ length: 40 }, (_, i) => `orang${i}@contoh.id`);
    const results = await Promise.all(emails.map((email) => signIn(runtime, { kind: "customer", email, password: "tebak-tebak", ip })));
    expect(results.filter((r) => !r.ok && r.error === "invalidCredentials")).toHaveLength(signInLimits.perAddress);
    expect(results.filter((r) => !r.ok && r.error === "rateLimited")).toHaveLength(40 - signInLimits.perAddress);
  });

  it("a right password clears the account's failures and does not count against the address", async () => {
    const staff = await createStaff(runtime);
    const ip = "198.51.100.9";
    for (let i = 0; i < 3; i++) await signIn(runtime, { kind: "staff", email: staff.email, password: "salah", ip });
    const ok = await signIn(runtime, { kind: "staff", email: staff.email, password: testPassword, ip });
    expect(ok.ok).toBe(true);
    const keys = signInKeys("staff", staff.email, ip);
    expect(await runtime.db.select().from(loginAttempts).where(eq(loginAttempts.key, keys.account))).toHaveLength(0);
    const addressFailures = await runtime.db
      .select()
      .from(loginAttempts)
      .where(and(eq(loginAttempts.key, keys.address), eq(loginAttempts.succeeded, false)));
    expect(addressFailures).toHaveLength(3);
  });
});
