import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPlainTotpSecrets, verifySecondFactorCode } from "../../app/core/auth/mfa.server.ts";
import { isSealed, openSecret, sealSecret } from "../../app/core/auth/secret-box.server.ts";
import { newTotpSecret } from "../../app/core/auth/totp.server.ts";
import { ConfigError, loadConfig } from "../../app/core/config/config.server.ts";
import * as enrol from "../../app/routes/auth/enrol.tsx";
import * as login from "../../app/routes/auth/login.tsx";
import { userTotp } from "../../db/schema/index.ts";
import { callRoute, createStaff, createTestApp, testPassword, unwrap } from "../support/test-app.ts";
import { fromBase32, independentTotp } from "../support/totp-reference.ts";

const key = crypto.randomBytes(32);
const codeAt = (secret: string, ms = Date.now()) => independentTotp(fromBase32(secret), Math.floor(ms / 1000));

describe("sealing secrets (AES-256-GCM)", () => {
  it("round-trips, never stores the clear text and uses a fresh nonce each time", () => {
    const secret = newTotpSecret();
    const a = sealSecret(secret, key, "user-1");
    const b = sealSecret(secret, key, "user-1");
    expect(isSealed(a)).toBe(true);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(openSecret(a, key, "user-1")).toBe(secret);
  });

  it("refuses a wrong key, another row's owner and a changed byte", () => {
    const sealed = sealSecret("JBSWY3DPEHPK3PXP", key, "user-1");
    expect(() => openSecret(sealed, crypto.randomBytes(32), "user-1")).toThrow();
    expect(() => openSecret(sealed, key, "user-2")).toThrow();
    const raw = Buffer.from(sealed.slice(3), "base64url");
    raw[14] ^= 1;
    expect(() => openSecret(`v1:${raw.toString("base64url")}`, key, "user-1")).toThrow();
  });

  it("reads a value stored before sealing as it is", () => {
    expect(openSecret("JBSWY3DPEHPK3PXP", key, "user-1")).toBe("JBSWY3DPEHPK3PXP");
  });
});

describe("SECRETS_KEY configuration", () => {
  it("takes 64 hex digits or base64 of 32 bytes, and refuses anything else", () => {
    const bytes = crypto.randomBytes(32);
    expect(loadConfig({ SECRETS_KEY: bytes.toString("hex") }).secretsKey.equals(bytes)).toBe(true);
    expect(loadConfig({ SECRETS_KEY: bytes.toString("base64") }).secretsKey.equals(bytes)).toBe(true);
    expect(loadConfig({ SECRETS_KEY: bytes.toString("base64url") }).secretsKeyIsDevelopmentDefault).toBe(false);
    expect(() => loadConfig({ SECRETS_KEY: "rahasia" })).toThrow(/SECRETS_KEY/);
    expect(() => loadConfig({ SECRETS_KEY: crypto.randomBytes(16).toString("hex") })).toThrow(ConfigError);
  });

  it("falls back to the public development key only outside a real production install", () => {
    expect(loadConfig({}).secretsKeyIsDevelopmentDefault).toBe(true);
    // production with the public demo data (npm start on the embedded database) still starts
    expect(loadConfig({ NODE_ENV: "production" }).secretsKeyIsDevelopmentDefault).toBe(true);
    expect(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://u@db/nusa" })).toThrow(/SECRETS_KEY: required in production/);
    expect(() => loadConfig({ NODE_ENV: "production", DEMO_DATA: "0" })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://u@db/nusa", SECRETS_KEY: key.toString("hex") }).secretsKey.equals(key)).toBe(true);
  });
});

describe("TOTP secrets in the database", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    app = await createTestApp({ env: { SECRETS_KEY: key.toString("hex") } });
  });
  afterAll(() => app.close());

  it("are stored sealed from enrolment on, and codes still verify", async () => {
    const runtime = app.runtime;
    const staff = await createStaff(runtime, { roles: ["agent"] });
    const signIn = (await callRoute(runtime, login.action, { path: "/staff/login", form: { email: staff.email, password: testPassword, redirectTo: "/staff" } })) as Response;
    const cookie = (signIn.headers.get("Set-Cookie") ?? "").split(";")[0];
    const page = unwrap(await callRoute(runtime, enrol.loader, { path: "/staff/login/enrol", cookie }));
    const secret = (page.data as { secret: string }).secret;
    const [row] = await runtime.db.select({ secret: userTotp.secret }).from(userTotp).where(eq(userTotp.userId, staff.id));
    expect(isSealed(row.secret)).toBe(true);
    expect(row.secret).not.toContain(secret);
    expect(openSecret(row.secret, key, staff.id)).toBe(secret);
    const done = unwrap(await callRoute(runtime, enrol.action, { path: "/staff/login/enrol", cookie, form: { code: codeAt(secret) } }));
    expect(done.status).toBe(200);
    expect((done.data as { backupCodes: string[] }).backupCodes).toHaveLength(10);
  });

  it("a secret left in clear by an older version is sealed at start (and on first use), and keeps working", async () => {
    const runtime = app.runtime;
    const staff = await createStaff(runtime, { roles: ["agent"] });
    const other = await createStaff(runtime, { roles: ["agent"] });
    const secret = newTotpSecret();
    const start = Date.now() - 120_000;
    await runtime.db.insert(userTotp).values([
      { userId: staff.id, secret, confirmedAt: new Date(start) },
      { userId: other.id, secret: newTotpSecret(), confirmedAt: new Date(start) },
    ]);
    // first use of a clear row seals it
    expect(await verifySecondFactorCode(runtime.db, key, staff.id, codeAt(secret))).toBe("totp");
    const [used] = await runtime.db.select({ secret: userTotp.secret }).from(userTotp).where(eq(userTotp.userId, staff.id));
    expect(isSealed(used.secret)).toBe(true);
    // the start-up sweep seals the rest, once
    expect(await sealPlainTotpSecrets(runtime.db, key)).toBe(1);
    expect(await sealPlainTotpSecrets(runtime.db, key)).toBe(0);
    const rows = await runtime.db.select({ secret: userTotp.secret }).from(userTotp);
    expect(rows.every((r) => isSealed(r.secret))).toBe(true);
    // a code of the next step still verifies against the sealed secret
    expect(await verifySecondFactorCode(runtime.db, key, staff.id, codeAt(secret, Date.now() + 30_000))).toBe("totp");
  });
});
