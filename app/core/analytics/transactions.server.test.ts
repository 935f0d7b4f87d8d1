import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contacts } from "../../../db/schema/index.ts";
import { createContact, createTestApp } from "../../../tests/support/test-app.ts";
import { defineServer, definePlugin, installPlugin, type CustomerTransaction } from "../../plugin-api/index.ts";
import { objectToProfiling } from "../privacy/profiling-objections.server.ts";
import { loadAnalyticsTransactions } from "./transactions.server.ts";

const offered: CustomerTransaction[] = [];
const testShop = installPlugin({
  manifest: definePlugin({ id: "test-shop", version: "1.0.0", requires: [], name: "meta.name", description: "meta.description", permissions: {} }),
  server: async () => ({
    default: defineServer({
      transactions: [{ key: "receipts", measure: "purchase", list: async (range) => offered.filter((t) => t.at >= range.from && t.at < range.to) }],
    }),
  }),
  locales: { id: { meta: { name: "Toko", description: "Uji" } }, en: { meta: { name: "Shop", description: "Test" } } },
});

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [testShop] });
});
afterAll(() => app.close());

describe("analytics reads transactions only through the extension point", () => {
  it("counts merged contacts as one (following chains) and leaves out objectors to profiling", async () => {
    const db = app.runtime.db;
    const [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map(() => createContact(app.runtime)));
    // a was merged into b, and b later into c: all of a's and b's transactions are c's
    await db.update(contacts).set({ mergedIntoId: b.id }).where(eq(contacts.id, a.id));
    await db.update(contacts).set({ mergedIntoId: c.id }).where(eq(contacts.id, b.id));
    await objectToProfiling(db, { kind: "system" }, d.id, "request");
    const at = (iso: string) => new Date(iso);
    offered.push(
      { contactId: a.id, at: at("2026-03-01T03:00:00Z"), amount: 100_000, source: { type: "test-shop.sale", id: "1" } },
      { contactId: b.id, at: at("2026-04-01T03:00:00Z"), amount: 50_000, source: { type: "test-shop.sale", id: "2" } },
      { contactId: c.id, at: at("2026-05-01T03:00:00Z"), amount: 25_000, source: { type: "test-shop.sale", id: "3" } },
      { contactId: d.id, at: at("2026-05-01T03:00:00Z"), amount: 10_000, source: { type: "test-shop.sale", id: "4" } },
      { contactId: e.id, at: at("2026-05-02T03:00:00Z"), amount: 10_000, source: { type: "test-shop.sale", id: "5" } },
      { contactId: e.id, at: at("2027-01-02T03:00:00Z"), amount: 10_000, source: { type: "test-shop.sale", id: "6" } },
    );
    const result = await loadAnalyticsTransactions(db, app.runtime.registry, { from: at("2026-01-01T00:00:00Z"), to: at("2026-12-01T00:00:00Z") });
    expect(result.hasAmounts).toBe(true);
    const byContact = new Map<string, string[]>();
    for (const t of result.transactions) byContact.set(t.contactId, [...(byContact.get(t.contactId) ?? []), t.source.id]);
    expect(Object.fromEntries(byContact)).toEqual({ [c.id]: ["1", "2", "3"], [e.id]: ["5"] });
  });
});
