import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../../db/client.ts";
import { createContact, createTestApp } from "../../../tests/support/test-app.ts";
import { hasObjectedToProfiling, mayBeProfiled, objectToProfiling, withdrawProfilingObjection } from "./profiling-objections.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("objection to profiling", () => {
  it("is recorded once, audited, filters the contact out of scoring queries, and can be withdrawn", async () => {
    const [objector, other] = [await createContact(app.runtime), await createContact(app.runtime)];
    await objectToProfiling(app.runtime.db, { kind: "system" }, objector.id, "request");
    await objectToProfiling(app.runtime.db, { kind: "system" }, objector.id, "portal");
    expect(await hasObjectedToProfiling(app.runtime.db, objector.id)).toBe(true);
    expect(await hasObjectedToProfiling(app.runtime.db, other.id)).toBe(false);
    const scorable = rowsOf<{ id: string }>(
      await app.runtime.db.execute(sql`select c.id from contacts c where c.id in (${objector.id}, ${other.id}) and ${mayBeProfiled("c.id")}`),
    );
    expect(scorable.map((r) => r.id)).toEqual([other.id]);
    const audited = rowsOf<{ n: number }>(await app.runtime.db.execute(sql`select count(*)::int as n from audit_log where action = 'privacy.profiling.objected' and entity_id = ${objector.id}`));
    expect(Number(audited[0].n)).toBe(1);
    await withdrawProfilingObjection(app.runtime.db, { kind: "system" }, objector.id);
    expect(await hasObjectedToProfiling(app.runtime.db, objector.id)).toBe(false);
  });
});
