// "Privasi & data saya": a customer changes consent, asks for things, and downloads only their own data.
import { strFromU8, unzipSync } from "fflate";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentRecords, privacyRequests } from "../../db/schema/index.ts";
import * as exportRoute from "../../app/routes/portal/privacy.export.ts";
import * as page from "../../app/routes/portal/privacy.tsx";
import { callRoute, createCustomer, createTestApp, unwrap } from "../support/test-app.ts";
import { atInstant } from "../support/clock.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("Privasi & data saya", () => {
  it("records a withdrawal in the ledger as the customer's own, through the portal", async () => {
    const me = await createCustomer(app.runtime);
    const result = unwrap(await callRoute(app.runtime, page.action, { path: "/portal/privacy", cookie: me.cookie, form: { intent: "consent", purpose: "marketing", granted: "false" } }));
    expect(result.status).toBe(200);
    const ledger = await app.runtime.db.select().from(consentRecords).where(eq(consentRecords.contactId, me.contact.id));
    expect(ledger).toMatchObject([{ purpose: "marketing", granted: false, channel: "portal", recordedByKind: "customer", recordedBy: me.id }]);
  });

  it("refuses bad input with a message and changes nothing", async () => {
    const me = await createCustomer(app.runtime);
    const result = unwrap(await callRoute(app.runtime, page.action, { path: "/portal/privacy", cookie: me.cookie, form: { intent: "consent", purpose: "everything", granted: "yes" } }));
    expect(result).toMatchObject({ status: 400, data: { ok: false, message: "errors.invalid" } });
    expect(await app.runtime.db.select().from(consentRecords).where(eq(consentRecords.contactId, me.contact.id))).toEqual([]);
  });

  it("gives a request a deadline 72 hours after it was received, and refuses a second open one of the same kind", async () => {
    const me = await createCustomer(app.runtime);
    await atInstant("2026-12-05T16:30:00Z", async () => {
      const first = unwrap(await callRoute(app.runtime, page.action, { path: "/portal/privacy", cookie: me.cookie, form: { intent: "request", kind: "deletion", details: "Hapus semua" } }));
      expect(first.status).toBe(200);
    });
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.userId, me.id));
    expect(row.dueAt.getTime() - row.createdAt.getTime()).toBe(72 * 3600 * 1000);
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-12-05T16:30:00Z"));
    expect(row.dueAt.getTime()).toBeLessThan(Date.parse("2026-12-08T16:31:00Z"));
    const second = unwrap(await callRoute(app.runtime, page.action, { path: "/portal/privacy", cookie: me.cookie, form: { intent: "request", kind: "deletion" } }));
    expect(second.status).toBe(409);
  });

  it("downloads a zip with the customer's own contact only", async () => {
    const me = await createCustomer(app.runtime);
    const other = await createCustomer(app.runtime);
    const response = (await callRoute(app.runtime, exportRoute.loader, { path: "/portal/privacy/export", cookie: me.cookie })) as Response;
    expect(response.headers.get("Content-Type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const json = strFromU8(files["data.json"]);
    expect(JSON.parse(json).tables.contacts).toMatchObject([{ id: me.contact.id }]);
    expect(json).not.toContain(other.contact.id);
    expect(json).not.toContain(other.email);
  });
});
