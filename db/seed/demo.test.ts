import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../app/core/auth/accounts.server.ts";
import type { AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { createTestApp } from "../../tests/support/test-app.ts";
import { branches, contactIdentifiers, contacts, partnerOrganisations, users } from "../schema/index.ts";
import { demoAccounts, demoPassword, seedDemoData } from "./demo.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
});
afterAll(() => app.close());

async function counts() {
  const n = async (table: typeof users | typeof contacts | typeof branches | typeof partnerOrganisations | typeof contactIdentifiers) =>
    Number((await runtime.db.select({ n: count() }).from(table))[0].n);
  return { users: await n(users), contacts: await n(contacts), branches: await n(branches), partners: await n(partnerOrganisations), identifiers: await n(contactIdentifiers) };
}

describe("demo data", () => {
  it("is added once; a second start duplicates nothing", async () => {
    expect(await seedDemoData(runtime)).toBe(true);
    const first = await counts();
    expect(first.branches).toBe(5);
    expect(first.contacts).toBeGreaterThanOrEqual(80);
    expect(await seedDemoData(runtime)).toBe(false);
    expect(await counts()).toEqual(first);
  });

  it.each(Object.entries(demoAccounts))("lets the README's %s account sign in", async (_name, account) => {
    const result = await signIn(runtime, { kind: account.kind, email: account.email, password: demoPassword, ip: null });
    expect(result.ok).toBe(true);
  });
});
