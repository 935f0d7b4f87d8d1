import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, users } from "../../../db/schema/index.ts";
import { createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { createBranch, getBranch, listBranches, updateBranch, type BranchInput } from "./branches.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let actor: { kind: "staff"; userId: string; permissions: Set<string>; branchId: null };

const makassar: BranchInput = {
  code: "rsm-01",
  name: "RS Nusa Makassar",
  kind: "hospital",
  timeZone: "Asia/Makassar",
  address: "Jl. Jend. Sudirman No. 10",
  city: "Makassar",
  phone: "+62411123456",
  active: true,
};

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  const admin = await createStaff(runtime, { roles: ["admin"] });
  actor = { kind: "staff", userId: admin.id, permissions: new Set(["core.branch.manage"]), branchId: null };
});
afterAll(async () => {
  await app?.close();
});

describe("branches", () => {
  it("creates a branch with an upper-case code and audits it", async () => {
    const result = await createBranch(runtime.db, actor, makassar);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(await getBranch(runtime.db, result.id)).toMatchObject({ code: "RSM-01", timeZone: "Asia/Makassar", city: "Makassar" });
    const [entry] = await runtime.db.select().from(auditLog).where(eq(auditLog.entityId, result.id));
    expect(entry).toMatchObject({ action: "branch.created", actorUserId: actor.userId });
  });

  it("refuses a code that is taken, whatever its case, and writes nothing", async () => {
    const before = (await listBranches(runtime.db)).length;
    expect(await createBranch(runtime.db, actor, { ...makassar, code: " RSM-01 ", name: "Kembar" })).toEqual({ ok: false, error: "codeTaken" });
    expect(await createBranch(runtime.db, actor, { ...makassar, code: "Rsm-01", name: "Kembar" })).toEqual({ ok: false, error: "codeTaken" });
    expect((await listBranches(runtime.db)).length).toBe(before);
    expect(await runtime.db.select().from(branches).where(eq(branches.name, "Kembar"))).toHaveLength(0);
  });

  it("updates a branch, recording only what changed", async () => {
    const created = await createBranch(runtime.db, actor, { ...makassar, code: "TK-JYP", name: "Toko Jayapura", kind: "store", timeZone: "Asia/Jayapura" });
    if (!created.ok) throw new Error("setup failed");
    const result = await updateBranch(runtime.db, actor, {
      id: created.id,
      ...makassar,
      code: "TK-JYP",
      name: "Toko Nusa Jayapura",
      kind: "store",
      timeZone: "Asia/Jayapura",
      active: false,
    });
    expect(result).toEqual({ ok: true, changed: true });
    const [entry] = await runtime.db.select().from(auditLog).where(eq(auditLog.action, "branch.updated"));
    expect(entry.data).toEqual({
      changes: { name: { before: "Toko Jayapura", after: "Toko Nusa Jayapura" }, active: { before: true, after: false } },
    });
    // saving the same values again is not a change
    expect(
      await updateBranch(runtime.db, actor, { id: created.id, ...makassar, code: "TK-JYP", name: "Toko Nusa Jayapura", kind: "store", timeZone: "Asia/Jayapura", active: false }),
    ).toEqual({ ok: true, changed: false });
  });

  it("refuses to take another branch's code on update", async () => {
    const other = await createBranch(runtime.db, actor, { ...makassar, code: "KTR-PST", name: "Kantor Pusat", kind: "office", timeZone: "Asia/Jakarta" });
    if (!other.ok) throw new Error("setup failed");
    expect(await updateBranch(runtime.db, actor, { id: other.id, ...makassar, code: "rsm-01" })).toEqual({ ok: false, error: "codeTaken" });
    expect((await getBranch(runtime.db, other.id))?.code).toBe("KTR-PST");
    expect(await updateBranch(runtime.db, actor, { id: "00000000-0000-0000-0000-000000000000", ...makassar })).toEqual({ ok: false, error: "notFound" });
  });

  it("lists branches by code with their staff count", async () => {
    const [first] = await listBranches(runtime.db);
    const staff = await createStaff(runtime, { roles: ["agent"] });
    await runtime.db.update(users).set({ branchId: first.id }).where(eq(users.id, staff.id));
    const list = await listBranches(runtime.db);
    expect(list.map((b) => b.code)).toEqual([...list.map((b) => b.code)].sort());
    expect(list.find((b) => b.id === first.id)?.staffCount).toBe(1);
  });
});
