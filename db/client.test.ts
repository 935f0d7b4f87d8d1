import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseErrorOf } from "../tests/support/db-errors.ts";
import { createTestDatabase } from "../tests/support/test-database.ts";
import { migrationsApplied, type DatabaseHandle } from "./client.ts";
import { auditLog } from "./schema/index.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

describe("database", () => {
  it("has every migration applied", async () => {
    expect(await migrationsApplied(handle)).toBe(true);
  });

  it("has pg_trgm for typo-tolerant search", async () => {
    const [row] = await handle.rows<{ s: number }>(sql`select similarity('Siti Rahayu', 'Siti Rahyu') as s`);
    expect(Number(row.s)).toBeGreaterThan(0.5);
  });

  it("refuses to change or delete audit entries", async () => {
    await handle.db.insert(auditLog).values({ actorKind: "system", action: "test.entry" });
    expect(await databaseErrorOf(handle.db.update(auditLog).set({ action: "rewritten" }))).toMatch(/append-only/);
    expect(await databaseErrorOf(handle.db.delete(auditLog))).toMatch(/append-only/);
  });
});
