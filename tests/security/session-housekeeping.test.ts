import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { cleanUpSignInTables, sessionHousekeepingCron, sessionHousekeepingQueue } from "../../app/core/auth/session-housekeeping.server.ts";
import { authTokens, loginAttempts, sessions } from "../../db/schema/index.ts";
import { createStaff, createTestApp } from "../support/test-app.ts";

describe("sign-in tables housekeeping", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("deletes ended sessions, attempts older than a day and links expired a week ago; keeps the rest", async () => {
    const db = app.runtime.db;
    const now = new Date();
    const hour = 3_600_000;
    const staff = await createStaff(app.runtime);
    await db.delete(sessions).where(eq(sessions.userId, staff.id));
    const at = (ms: number) => new Date(now.getTime() + ms);
    await db.insert(sessions).values([
      { id: "live", userId: staff.id, expiresAt: at(hour), absoluteExpiresAt: at(10 * hour) },
      { id: "idle-ended", userId: staff.id, expiresAt: at(-1000), absoluteExpiresAt: at(10 * hour) },
      { id: "absolute-ended", userId: staff.id, expiresAt: at(-hour), absoluteExpiresAt: at(-hour) },
    ]);
    await db.insert(loginAttempts).values([
      { key: "account:staff:a@x.id", succeeded: false, at: at(-10 * 60_000) },
      { key: "account:staff:a@x.id", succeeded: false, at: at(-25 * hour) },
      { key: "ip:10.0.0.1", succeeded: true, at: at(-48 * hour) },
    ]);
    await db.insert(authTokens).values([
      { userId: staff.id, kind: "password_reset", tokenHash: "fresh", expiresAt: at(hour) },
      { userId: staff.id, kind: "password_reset", tokenHash: "recently-expired", expiresAt: at(-24 * hour) },
      { userId: staff.id, kind: "password_reset", tokenHash: "long-expired", expiresAt: at(-8 * 24 * hour) },
    ]);

    expect(await cleanUpSignInTables(db, now)).toEqual({ sessions: 2, attempts: 2, tokens: 1 });

    expect((await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, staff.id))).map((r) => r.id)).toEqual(["live"]);
    expect(await db.select({ at: loginAttempts.at }).from(loginAttempts)).toHaveLength(1);
    expect((await db.select({ h: authTokens.tokenHash }).from(authTokens)).map((r) => r.h).sort()).toEqual(["fresh", "recently-expired"]);
    // a second run finds nothing more
    expect(await cleanUpSignInTables(db, now)).toEqual({ sessions: 0, attempts: 0, tokens: 0 });
  });

  it("is scheduled hourly as a queue of the core", () => {
    expect(sessionHousekeepingQueue).toBe("core.auth.housekeeping");
    expect(sessionHousekeepingCron.split(" ")).toHaveLength(5);
  });
});
