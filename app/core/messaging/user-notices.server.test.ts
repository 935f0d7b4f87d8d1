import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, messages, users } from "../../../db/schema/index.ts";
import { createPartnerOrg, createPartnerUser, createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import { notifyUsers, userNoticeQueue, type UserNoticeInput } from "./user-notices.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** Queues a notice in a transaction, runs the notice job, and returns who got an e-mail (address -> locale, subject). */
async function send(input: Omit<UserNoticeInput, "template" | "path"> & { path?: string }) {
  const before = new Date();
  await app.runtime.db.transaction((tx) => notifyUsers(tx, app.runtime.jobs, { template: "core.serviceUpdate", path: "/staff/tickets/x", params: { message: "Ada pembaruan." }, ...input }));
  await app.runtime.jobs.drain(userNoticeQueue);
  const rows = await app.runtime.db.select().from(messages).where(eq(messages.template, "core.serviceUpdate"));
  return new Map(rows.filter((r) => r.createdAt >= before).map((r) => [r.recipient, { locale: r.locale, text: r.bodyText ?? "" }]));
}

describe("notices to users", () => {
  it("staff holding a permission by their roles, at the branch or at none, active only", async () => {
    const [a, b] = await app.runtime.db
      .insert(branches)
      .values([
        { code: "UN-A", name: "Cabang A", kind: "hospital" },
        { code: "UN-B", name: "Cabang B", kind: "hospital" },
      ])
      .returning();
    const atA = await createStaff(app.runtime, { roles: ["agent"] });
    const atB = await createStaff(app.runtime, { roles: ["agent"] });
    const roaming = await createStaff(app.runtime, { roles: ["agent"] });
    const gone = await createStaff(app.runtime, { roles: ["agent"] });
    const marketing = await createStaff(app.runtime, { roles: ["marketing"] });
    await app.runtime.db.update(users).set({ branchId: a.id, locale: "en" }).where(eq(users.id, atA.id));
    await app.runtime.db.update(users).set({ branchId: b.id }).where(eq(users.id, atB.id));
    await app.runtime.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    const got = await send({ audiences: [{ kind: "staffWithPermission", permission: "core.ticket.manage", branchId: a.id }], excludeUserIds: [] });
    expect(got.get(atA.email)?.locale).toBe("en");
    expect(got.get(roaming.email)?.locale).toBe("id");
    expect(got.has(atB.email)).toBe(false);
    expect(got.has(gone.email)).toBe(false);
    expect(got.has(marketing.email)).toBe(false);
    expect(got.get(atA.email)?.text).toContain("http://localhost:3000/staff/tickets/x");
  });

  it("one e-mail per address across audiences, none to the one who acted, and nothing when rolled back", async () => {
    const org = await createPartnerOrg(app.runtime);
    const [p1, p2] = [await createPartnerUser(app.runtime, org.id), await createPartnerUser(app.runtime, org.id)];
    const other = await createPartnerUser(app.runtime, (await createPartnerOrg(app.runtime)).id);
    const got = await send({
      audiences: [
        { kind: "partnerOrganisation", partnerOrgId: org.id },
        { kind: "address", email: p2.email, language: "en" },
        { kind: "address", email: "Meja@Contoh.id", language: "en" },
      ],
      excludeUserIds: [p1.id],
      path: "/partner/tickets/x",
    });
    expect([...got.keys()].sort()).toEqual([p2.email, "meja@contoh.id"].sort());
    expect(got.has(other.email)).toBe(false);
    expect(got.get("meja@contoh.id")?.locale).toBe("en");

    const before = await app.runtime.db.select({ id: messages.id }).from(messages);
    await expect(
      app.runtime.db.transaction(async (tx) => {
        await notifyUsers(tx, app.runtime.jobs, { audiences: [{ kind: "partnerOrganisation", partnerOrgId: org.id }], template: "core.serviceUpdate", params: { message: "x" }, path: "/partner/tickets/x" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await app.runtime.jobs.drain(userNoticeQueue)).toBe(0);
    const after = await app.runtime.db.select({ id: messages.id }).from(messages);
    expect(after.length).toBe(before.length);
  });

  it("refuses a malformed notice before anything is queued", async () => {
    await expect(
      app.runtime.db.transaction((tx) => notifyUsers(tx, app.runtime.jobs, { audiences: [], template: "core.serviceUpdate", path: "/staff/x" })),
    ).rejects.toThrow();
    await expect(
      app.runtime.db.transaction((tx) => notifyUsers(tx, app.runtime.jobs, { audiences: [{ kind: "staffUsers", userIds: [] }], template: "nodot", path: "/staff/x" })),
    ).rejects.toThrow();
    await expect(
      app.runtime.db.transaction((tx) => notifyUsers(tx, app.runtime.jobs, { audiences: [{ kind: "staffUsers", userIds: [] }], template: "core.serviceUpdate", path: "https://evil.example/" })),
    ).rejects.toThrow();
  });
});
